//! Dictionaries (websites, store groups and views, customer groups, countries) and products.

use crate::json::JsonWriter;
use crate::model::{
    COLOR_ATTRIBUTE_ID, Catalog, Country, CustomerGroup, DEFAULT_MAX_SALE_QTY, Product,
    ProductAttribute, ProductType, SIZE_ATTRIBUTE_ID, StoreGroup, StoreView, Website,
};

pub fn write_website(w: &mut JsonWriter<'_>, x: &Website) {
    w.begin_object();
    w.f_int("id", x.id as i64);
    w.f_str("code", &x.code);
    w.f_str("name", &x.name);
    w.f_int("default_group_id", x.default_group_id as i64);
    w.end_object();
}

pub fn write_store_group(w: &mut JsonWriter<'_>, x: &StoreGroup) {
    w.begin_object();
    w.f_int("id", x.id as i64);
    w.f_int("website_id", x.website_id as i64);
    w.f_int("root_category_id", x.root_category_id as i64);
    w.f_int("default_store_id", x.default_store_id as i64);
    w.f_str("name", &x.name);
    w.f_str("code", &x.code);
    w.end_object();
}

pub fn write_store_view(w: &mut JsonWriter<'_>, x: &StoreView) {
    w.begin_object();
    w.f_int("id", x.id as i64);
    w.f_str("code", &x.code);
    w.f_str("name", &x.name);
    w.f_int("website_id", x.website_id as i64);
    w.f_int("store_group_id", x.store_group_id as i64);
    w.f_int("is_active", x.is_active as i64);
    w.end_object();
}

pub fn write_customer_group(w: &mut JsonWriter<'_>, x: &CustomerGroup) {
    w.begin_object();
    w.f_int("id", x.id as i64);
    w.f_str("code", &x.code);
    w.f_int("tax_class_id", x.tax_class_id as i64);
    w.f_str("tax_class_name", &x.tax_class_name);
    w.end_object();
}

pub fn write_country(w: &mut JsonWriter<'_>, x: &Country) {
    w.begin_object();
    w.f_str("id", &x.id);
    w.f_str("two_letter_abbreviation", &x.id);
    w.f_str("three_letter_abbreviation", &x.iso3);
    w.f_str("full_name_locale", &x.name);
    w.f_str("full_name_english", &x.name);
    if !x.regions.is_empty() {
        w.key("available_regions");
        w.begin_array();
        for r in &x.regions {
            w.begin_object();
            w.f_id_str("id", r.id);
            w.f_str("code", &r.code);
            w.f_str("name", &r.name);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

pub fn write_product(w: &mut JsonWriter<'_>, catalog: &Catalog, p: &Product) {
    w.begin_object();
    w.f_int("id", p.id as i64);
    w.f_str("sku", &p.sku);
    w.f_str("name", &p.name);
    w.f_int("attribute_set_id", p.attribute_set_id as i64);
    w.f_dec("price", p.price);
    w.f_int("status", p.status as i64);
    w.f_int("visibility", p.visibility as i64);
    w.f_str("type_id", p.type_id.as_str());
    w.f_ts("created_at", p.created_at);
    w.f_ts("updated_at", p.updated_at);
    if p.type_id != ProductType::Configurable {
        w.f_dec("weight", p.weight);
    }
    w.key("extension_attributes");
    w.begin_object();
    w.key("website_ids");
    w.begin_array();
    for id in &p.website_ids {
        w.int(*id as i64);
    }
    w.end_array();
    write_stock_item(w, p);
    if p.type_id == ProductType::Bundle {
        write_bundle_options(w, catalog, p);
    }
    if p.type_id == ProductType::Configurable {
        w.key("configurable_product_options");
        w.begin_array();
        for (position, (attribute, label)) in
            [(COLOR_ATTRIBUTE_ID, "Color"), (SIZE_ATTRIBUTE_ID, "Size")]
                .into_iter()
                .enumerate()
        {
            w.begin_object();
            w.f_int("id", (p.id * 10 + position as u32) as i64);
            w.f_str("attribute_id", &attribute.to_string());
            w.f_str("label", label);
            w.f_int("position", position as i64);
            w.key("values");
            w.begin_array();
            let mut seen: Vec<u32> = Vec::new();
            for child in p.children.iter().filter_map(|id| catalog.product(*id)) {
                let Some((color, size)) = child.options else {
                    continue;
                };
                let value = if attribute == COLOR_ATTRIBUTE_ID {
                    color
                } else {
                    size
                };
                if !seen.contains(&value) {
                    seen.push(value);
                    w.begin_object();
                    w.f_int("value_index", value as i64);
                    w.end_object();
                }
            }
            w.end_array();
            w.f_int("product_id", p.id as i64);
            w.end_object();
        }
        w.end_array();
        w.key("configurable_product_links");
        w.begin_array();
        for id in &p.children {
            w.int(*id as i64);
        }
        w.end_array();
    }
    w.end_object();
    for key in [
        "product_links",
        "options",
        "media_gallery_entries",
        "tier_prices",
    ] {
        w.key(key);
        w.begin_array();
        w.end_array();
    }
    w.key("custom_attributes");
    w.begin_array();
    let url_key = p.sku.to_lowercase();
    let mut attr = |code: &str, value: &str| {
        w.begin_object();
        w.f_str("attribute_code", code);
        w.f_str("value", value);
        w.end_object();
    };
    attr("url_key", &url_key);
    attr("tax_class_id", "2");
    if let Some((color, size)) = p.options {
        attr("color", &color.to_string());
        attr("size", &size.to_string());
    }
    w.end_array();
    w.end_object();
}

/// `extension_attributes.stock_item` (StockItemInterface). An unmanaged item has
/// `manage_stock` false, is in stock, and no `qty` (a null optional field, which Magento's
/// output processor leaves out): there is nothing to count.
fn write_stock_item(w: &mut JsonWriter<'_>, p: &Product) {
    let s = &p.stock;
    w.key("stock_item");
    w.begin_object();
    w.f_int("item_id", p.id as i64);
    w.f_int("product_id", p.id as i64);
    w.f_int("stock_id", 1);
    w.f_opt_int("qty", s.qty.map(i64::from));
    w.f_bool("is_in_stock", s.is_in_stock);
    w.f_bool("is_qty_decimal", false);
    w.f_bool("use_config_min_sale_qty", s.min_sale_qty == 1);
    w.f_int("min_sale_qty", s.min_sale_qty as i64);
    w.f_bool(
        "use_config_max_sale_qty",
        s.max_sale_qty == DEFAULT_MAX_SALE_QTY,
    );
    w.f_int("max_sale_qty", s.max_sale_qty as i64);
    w.f_bool("use_config_manage_stock", s.qty.is_some());
    w.f_bool("manage_stock", s.qty.is_some());
    w.f_int("backorders", 0);
    w.end_object();
}

/// `extension_attributes.bundle_product_options`: one required option per part.
fn write_bundle_options(w: &mut JsonWriter<'_>, catalog: &Catalog, p: &Product) {
    w.key("bundle_product_options");
    w.begin_array();
    for (i, part) in p
        .children
        .iter()
        .filter_map(|id| catalog.product(*id))
        .enumerate()
    {
        let option_id = (p.id * 10 + i as u32 + 1) as i64;
        w.begin_object();
        w.f_int("option_id", option_id);
        w.f_str("title", &part.name);
        w.f_bool("required", true);
        w.f_str("type", "checkbox");
        w.f_int("position", i as i64 + 1);
        w.f_str("sku", &p.sku);
        w.key("product_links");
        w.begin_array();
        w.begin_object();
        w.f_str("id", &option_id.to_string());
        w.f_str("sku", &part.sku);
        w.f_int("option_id", option_id);
        w.f_int("qty", 1);
        w.f_int("position", 1);
        w.f_bool("is_default", true);
        w.f_int("price", 0);
        w.f_int("price_type", 0);
        w.f_int("can_change_quantity", 0);
        w.end_object();
        w.end_array();
        w.end_object();
    }
    w.end_array();
}

/// A catalog EAV attribute as `GET /V1/products/attributes/{code}` returns it.
pub fn write_attribute(w: &mut JsonWriter<'_>, a: &ProductAttribute) {
    w.begin_object();
    w.f_bool("is_wysiwyg_enabled", false);
    w.f_bool("is_html_allowed_on_front", true);
    w.f_bool("used_for_sort_by", false);
    w.f_bool("is_filterable", true);
    w.f_bool("is_filterable_in_search", true);
    w.f_int("position", 0);
    w.key("apply_to");
    w.begin_array();
    w.end_array();
    w.f_str("is_searchable", "1");
    w.f_str("is_comparable", "1");
    w.f_str("is_visible_on_front", "0");
    w.f_bool("is_visible", true);
    w.f_str("scope", "global");
    w.f_int("attribute_id", a.id as i64);
    w.f_str("attribute_code", &a.code);
    w.f_str("frontend_input", "select");
    w.f_str("entity_type_id", "4");
    w.f_bool("is_required", false);
    w.key("options");
    write_options(w, a);
    w.f_bool("is_user_defined", true);
    w.f_str("default_frontend_label", &a.label);
    w.key("frontend_labels");
    w.begin_array();
    w.end_array();
    w.f_str("backend_type", "int");
    w.f_str(
        "source_model",
        "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table",
    );
    w.f_str("default_value", "");
    w.f_str("is_unique", "0");
    w.key("validation_rules");
    w.begin_array();
    w.end_array();
    w.end_object();
}

/// `…/{code}/options`: the same list as the attribute's `options`.
pub fn write_attribute_options(w: &mut JsonWriter<'_>, a: &ProductAttribute) {
    write_options(w, a);
}

/// Select options as strings, led by Magento's empty choice (`" "`, `""`).
fn write_options(w: &mut JsonWriter<'_>, a: &ProductAttribute) {
    w.begin_array();
    w.begin_object();
    w.f_str("label", " ");
    w.f_str("value", "");
    w.end_object();
    for (label, value) in &a.options {
        w.begin_object();
        w.f_str("label", label);
        w.f_str("value", &value.to_string());
        w.end_object();
    }
    w.end_array();
}
