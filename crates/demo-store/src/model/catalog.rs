//! Dictionaries and products: small, fixed at generation time, read by every renderer.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{Postal, RegionRef, Text};
use crate::clock::Ts;

#[derive(Clone, Debug, PartialEq)]
pub struct Website {
    pub id: u16,
    pub code: Text,
    pub name: Text,
    pub default_group_id: u16,
    /// Base = display currency of the website's stores (all rates are 1).
    pub currency: Text,
    /// VAT/sales-tax rate applied to item rows, e.g. 0.20.
    pub tax_rate: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoreGroup {
    pub id: u16,
    pub website_id: u16,
    pub root_category_id: u32,
    pub default_store_id: u16,
    pub name: Text,
    pub code: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoreView {
    pub id: u16,
    pub code: Text,
    pub name: Text,
    pub website_id: u16,
    pub store_group_id: u16,
    pub is_active: bool,
    pub locale: Text,
    /// Prefix of increment ids (`""` for store 1: `000000042`, `"2"` for store 2).
    pub increment_prefix: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CustomerGroup {
    pub id: u16,
    pub code: Text,
    pub tax_class_id: u16,
    pub tax_class_name: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub id: u32,
    pub code: Text,
    pub name: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    pub id: Text,
    pub iso3: Text,
    pub name: Text,
    pub regions: Vec<Region>,
    /// In `general/region/state_required`: an address must name one of `regions`.
    pub region_required: bool,
    /// In `general/country/optional_zip_countries`: no postcode needed.
    pub postcode_optional: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductType {
    Simple,
    Configurable,
    Virtual,
    Bundle,
}

impl ProductType {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductType::Simple => "simple",
            ProductType::Configurable => "configurable",
            ProductType::Virtual => "virtual",
            ProductType::Bundle => "bundle",
        }
    }
}

/// Magento's default `cataloginventory/item_options/max_sale_qty`.
pub const DEFAULT_MAX_SALE_QTY: u32 = 10_000;

/// A `cataloginventory_stock_item` row: what the quantity validator checks when an item is
/// added and what placing an order re-checks and decrements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StockItem {
    /// Tracked quantity; None = stock not managed (`manage_stock` 0: unlimited).
    pub qty: Option<u32>,
    pub is_in_stock: bool,
    pub min_sale_qty: u32,
    pub max_sale_qty: u32,
}

impl Default for StockItem {
    fn default() -> Self {
        StockItem {
            qty: None,
            is_in_stock: true,
            min_sale_qty: 1,
            max_sale_qty: DEFAULT_MAX_SALE_QTY,
        }
    }
}

/// A select attribute offered by configurable products (`GET /V1/products/attributes`).
#[derive(Clone, Debug, PartialEq)]
pub struct ProductAttribute {
    pub id: u32,
    pub code: Text,
    pub label: Text,
    /// (label, option id): the option id is a configurable value's `value_index`.
    pub options: Vec<(Text, u32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    pub id: u32,
    pub sku: Text,
    pub name: Text,
    pub type_id: ProductType,
    pub price: Decimal,
    /// 1 enabled, 2 disabled.
    pub status: u8,
    /// 1 not visible individually (configurable children), 4 catalog and search.
    pub visibility: u8,
    pub weight: Decimal,
    pub attribute_set_id: u16,
    /// Configurable parent of a child simple product.
    pub parent_id: Option<u32>,
    /// Children of a configurable, selections of a bundle.
    pub children: Vec<u32>,
    /// (attribute option id of color, of size) for configurable children.
    pub options: Option<(u32, u32)>,
    pub website_ids: Vec<u16>,
    pub stock: StockItem,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// Everything fixed: websites, stores, groups, countries, attributes, products. Products as
/// generated; their live state (price, status, stock) is the store's product table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub websites: Vec<Website>,
    pub store_groups: Vec<StoreGroup>,
    pub store_views: Vec<StoreView>,
    pub customer_groups: Vec<CustomerGroup>,
    pub countries: Vec<Country>,
    pub attributes: Vec<ProductAttribute>,
    pub products: Vec<Product>,
    sku_index: HashMap<String, u32>,
    region_index: HashMap<u32, (usize, usize)>,
}

/// Magento attribute ids of the configurable options (color 93, size 144 on Luma installs).
pub const COLOR_ATTRIBUTE_ID: u32 = 93;
pub const SIZE_ATTRIBUTE_ID: u32 = 144;

impl Catalog {
    pub fn new(
        websites: Vec<Website>,
        store_groups: Vec<StoreGroup>,
        store_views: Vec<StoreView>,
        customer_groups: Vec<CustomerGroup>,
        countries: Vec<Country>,
        attributes: Vec<ProductAttribute>,
        products: Vec<Product>,
    ) -> Catalog {
        let sku_index = products
            .iter()
            .map(|p| (p.sku.to_lowercase(), p.id))
            .collect();
        let mut region_index = HashMap::new();
        for (ci, c) in countries.iter().enumerate() {
            for (ri, r) in c.regions.iter().enumerate() {
                region_index.insert(r.id, (ci, ri));
            }
        }
        Catalog {
            websites,
            store_groups,
            store_views,
            customer_groups,
            countries,
            attributes,
            products,
            sku_index,
            region_index,
        }
    }

    pub fn website(&self, id: u16) -> Option<&Website> {
        self.websites.iter().find(|w| w.id == id)
    }

    pub fn store_view(&self, id: u16) -> Option<&StoreView> {
        self.store_views.iter().find(|s| s.id == id)
    }

    pub fn store_view_by_code(&self, code: &str) -> Option<&StoreView> {
        self.store_views.iter().find(|s| &*s.code == code)
    }

    pub fn store_group(&self, id: u16) -> Option<&StoreGroup> {
        self.store_groups.iter().find(|g| g.id == id)
    }

    /// Website of a store view (0 for the admin store).
    pub fn website_of_store(&self, store_id: u16) -> &Website {
        let wid = self.store_view(store_id).map(|s| s.website_id).unwrap_or(1);
        self.website(wid).unwrap_or(&self.websites[0])
    }

    pub fn customer_group(&self, id: u16) -> Option<&CustomerGroup> {
        self.customer_groups.iter().find(|g| g.id == id)
    }

    pub fn country(&self, id: &str) -> Option<&Country> {
        self.countries
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    pub fn region(&self, id: u32) -> Option<&Region> {
        let (ci, ri) = *self.region_index.get(&id)?;
        Some(&self.countries[ci].regions[ri])
    }

    /// (region name, code, id) of an address; free text has no code and id 0.
    pub fn region_parts<'a>(&'a self, p: &'a Postal) -> (Option<&'a str>, Option<&'a str>, u32) {
        match &p.region {
            RegionRef::None => (None, None, 0),
            RegionRef::Free(text) => (Some(text), None, 0),
            RegionRef::Known(id) => match self.region(*id) {
                Some(r) => (Some(&r.name), Some(&r.code), r.id),
                None => (None, None, *id),
            },
        }
    }

    pub fn product(&self, id: u32) -> Option<&Product> {
        // Product ids are dense from 1 in generation order.
        self.products
            .get((id as usize).wrapping_sub(1))
            .filter(|p| p.id == id)
    }

    pub fn attribute_by_code(&self, code: &str) -> Option<&ProductAttribute> {
        self.attributes.iter().find(|a| &*a.code == code)
    }

    /// Whether a product ships: virtual products (and carts of only those) have no shipping.
    pub fn is_virtual(&self, product_id: u32) -> bool {
        self.product(product_id)
            .is_some_and(|p| p.type_id == ProductType::Virtual)
    }

    pub fn product_by_sku(&self, sku: &str) -> Option<&Product> {
        self.sku_index
            .get(&sku.to_lowercase())
            .and_then(|id| self.product(*id))
    }

    /// `store_name` of orders: website, group and view names on three lines.
    pub fn store_name(&self, store_id: u16) -> String {
        let Some(view) = self.store_view(store_id) else {
            return String::new();
        };
        let group = self
            .store_group(view.store_group_id)
            .map(|g| &*g.name)
            .unwrap_or("");
        let site = self
            .website(view.website_id)
            .map(|w| &*w.name)
            .unwrap_or("");
        format!("{site}\n{group}\n{}", view.name)
    }

    /// Increment id of an order or credit memo (`000000042`, `2000000042`).
    pub fn increment_id(&self, store_id: u16, entity_id: u32) -> String {
        let prefix = self
            .store_view(store_id)
            .map(|s| &*s.increment_prefix)
            .unwrap_or("");
        format!("{prefix}{entity_id:09}")
    }
}
