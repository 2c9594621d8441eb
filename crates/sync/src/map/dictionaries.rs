use super::text;
use magento::types::{Country, CustomerGroup, StoreGroup, StoreView, Website};
use store::sync_write::dictionaries as d;

pub fn websites(list: &[Website]) -> Vec<d::Website> {
    list.iter()
        .filter_map(|w| {
            Some(d::Website {
                magento_id: w.id?,
                code: text(&w.code).unwrap_or_default(),
                name: text(&w.name).unwrap_or_default(),
                default_group_id: w.default_group_id,
            })
        })
        .collect()
}

pub fn store_groups(list: &[StoreGroup]) -> Vec<d::StoreGroup> {
    list.iter()
        .filter_map(|g| {
            Some(d::StoreGroup {
                magento_id: g.id?,
                website_id: g.website_id,
                code: text(&g.code),
                name: text(&g.name).unwrap_or_default(),
                root_category_id: g.root_category_id,
                default_store_id: g.default_store_id,
            })
        })
        .collect()
}

pub fn store_views(list: &[StoreView]) -> Vec<d::StoreView> {
    list.iter()
        .filter_map(|s| {
            Some(d::StoreView {
                magento_id: s.id?,
                code: text(&s.code).unwrap_or_default(),
                name: text(&s.name).unwrap_or_default(),
                website_id: s.website_id,
                store_group_id: s.store_group_id,
                is_active: s.is_active.unwrap_or(true),
            })
        })
        .collect()
}

pub fn customer_groups(list: &[CustomerGroup]) -> Vec<d::CustomerGroup> {
    list.iter()
        .filter_map(|g| {
            Some(d::CustomerGroup {
                magento_id: g.id?,
                code: text(&g.code).unwrap_or_default(),
                tax_class_id: g.tax_class_id,
                tax_class_name: text(&g.tax_class_name),
            })
        })
        .collect()
}

/// Countries and their regions; each country also gets a row of its own (region id '').
pub fn regions(countries: &[Country]) -> Vec<d::Region> {
    let mut out = Vec::new();
    for c in countries {
        let Some(country_id) = text(&c.id).or_else(|| text(&c.two_letter_abbreviation)) else {
            continue;
        };
        let country_name = text(&c.full_name_english).or_else(|| text(&c.full_name_locale));
        out.push(d::Region {
            country_id: country_id.clone(),
            country_name: country_name.clone(),
            magento_id: String::new(),
            code: None,
            name: country_name.clone(),
        });
        for r in c.available_regions.as_deref().unwrap_or_default() {
            let Some(id) = text(&r.id) else { continue };
            out.push(d::Region {
                country_id: country_id.clone(),
                country_name: country_name.clone(),
                magento_id: id,
                code: text(&r.code),
                name: text(&r.name),
            });
        }
    }
    out
}
