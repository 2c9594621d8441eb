//! The fixed part of the store: websites, stores, groups, countries and the product catalogue.
//! Three websites with their own currency and tax, store views in several languages (one of
//! them disabled), and a catalogue of simple, configurable, virtual and bundle products, a few
//! of them out of stock or with sale limits (`STOCK`), plus optional benchmark products.

use rust_decimal::Decimal;

use crate::clock::Ts;
use crate::model::{
    COLOR_ATTRIBUTE_ID, Catalog, Country, CustomerGroup, Product, ProductAttribute, ProductType,
    Region, SIZE_ATTRIBUTE_ID, StockItem, StoreGroup, StoreView, Website, text,
};
use crate::pricing::money;

/// SKU prefix of the extra products made for benchmarks (`BENCH-000001`, ...).
pub const EXTRA_SKU_PREFIX: &str = "BENCH-";

/// `extra` simple products are appended after the fixed catalogue (ids stay dense); they
/// take no part in the generated history, so the same seed gives the same orders with or
/// without them.
pub fn build(anchor: Ts, extra: u32) -> Catalog {
    Catalog::new(
        websites(),
        store_groups(),
        store_views(),
        customer_groups(),
        countries(),
        attributes(),
        products(anchor, extra),
    )
}

/// Size of the fixed catalogue (what `--products N` adds to).
pub fn base_product_count() -> usize {
    SIMPLES.len() + CONFIGURABLES.len() * (1 + SIZES.len() * COLORS.len()) + 2
}

fn websites() -> Vec<Website> {
    let w = |id, code: &str, name: &str, group, cur: &str, tax| Website {
        id,
        code: text(code),
        name: text(name),
        default_group_id: group,
        currency: text(cur),
        tax_rate: Decimal::new(tax, 2),
    };
    vec![
        w(0, "admin", "Admin", 0, "USD", 0),
        w(1, "base", "Main Website", 1, "USD", 0),
        w(2, "eu", "Europe Website", 2, "EUR", 20),
        w(3, "asia", "Asia Website", 3, "JPY", 10),
    ]
}

fn store_groups() -> Vec<StoreGroup> {
    let g = |id, website_id, root, default_store_id, name: &str, code: &str| StoreGroup {
        id,
        website_id,
        root_category_id: root,
        default_store_id,
        name: text(name),
        code: text(code),
    };
    vec![
        g(0, 0, 0, 0, "Default", "default"),
        g(1, 1, 2, 1, "Main Website Store", "main_website_store"),
        g(2, 2, 2, 3, "Europe Store", "europe_store"),
        g(3, 3, 2, 5, "アジアストア", "asia_store"),
    ]
}

fn store_views() -> Vec<StoreView> {
    let v = |id, code: &str, name: &str, website_id, group, active, locale: &str| StoreView {
        id,
        code: text(code),
        name: text(name),
        website_id,
        store_group_id: group,
        is_active: active,
        locale: text(locale),
        increment_prefix: text(&if id <= 1 {
            String::new()
        } else {
            id.to_string()
        }),
    };
    vec![
        v(0, "admin", "Admin", 0, 0, true, "en_US"),
        v(1, "default", "Default Store View", 1, 1, true, "en_US"),
        v(2, "es", "Vista en Español", 1, 1, true, "es_ES"),
        v(3, "de", "Deutsch", 2, 2, true, "de_DE"),
        v(4, "fr", "Français", 2, 2, true, "fr_FR"),
        v(5, "ja", "日本語", 3, 3, true, "ja_JP"),
        v(6, "ru", "Русский", 3, 3, false, "ru_RU"),
    ]
}

fn customer_groups() -> Vec<CustomerGroup> {
    let g = |id, code: &str, class| CustomerGroup {
        id,
        code: text(code),
        tax_class_id: class,
        tax_class_name: text("Retail Customer"),
    };
    vec![
        g(0, "NOT LOGGED IN", 3),
        g(1, "General", 3),
        g(2, "Wholesale", 3),
        g(3, "Retailer", 3),
    ]
}

fn countries() -> Vec<Country> {
    // Magento's defaults: `general/region/state_required` lists US, CA and ES among ours;
    // `general/country/optional_zip_countries` lists Hong Kong.
    let c = |id: &str, iso3: &str, name: &str, regions: &[(u32, &str, &str)]| Country {
        id: text(id),
        iso3: text(iso3),
        name: text(name),
        regions: regions
            .iter()
            .map(|(rid, code, name)| Region {
                id: *rid,
                code: text(code),
                name: text(name),
            })
            .collect(),
        region_required: matches!(id, "US" | "CA" | "ES"),
        postcode_optional: id == "HK",
    };
    vec![
        c(
            "US",
            "USA",
            "United States",
            &[
                (1, "AL", "Alabama"),
                (12, "CA", "California"),
                (18, "FL", "Florida"),
                (23, "IL", "Illinois"),
                (33, "MI", "Michigan"),
                (43, "NY", "New York"),
                (57, "TX", "Texas"),
                (62, "WA", "Washington"),
            ],
        ),
        c(
            "CA",
            "CAN",
            "Canada",
            &[
                (66, "AB", "Alberta"),
                (67, "BC", "British Columbia"),
                (74, "ON", "Ontario"),
                (76, "QC", "Québec"),
            ],
        ),
        c(
            "DE",
            "DEU",
            "Germany",
            &[
                (80, "BAW", "Baden-Württemberg"),
                (81, "BAY", "Bayern"),
                (82, "BER", "Berlin"),
                (88, "NRW", "Nordrhein-Westfalen"),
            ],
        ),
        c(
            "FR",
            "FRA",
            "France",
            &[
                (182, "01", "Ain"),
                (193, "13", "Bouches-du-Rhône"),
                (257, "75", "Paris"),
            ],
        ),
        c(
            "ES",
            "ESP",
            "Spain",
            &[(139, "B", "Barcelona"), (161, "M", "Madrid")],
        ),
        c(
            "GR",
            "GRC",
            "Greece",
            &[
                (1016, "GR-I", "Αττική"),
                (1017, "GR-B", "Κεντρική Μακεδονία"),
            ],
        ),
        c("IT", "ITA", "Italy", &[]),
        c("GB", "GBR", "United Kingdom", &[]),
        c("PL", "POL", "Poland", &[]),
        c("TR", "TUR", "Türkiye", &[]),
        c("RU", "RUS", "Russia", &[]),
        c("JP", "JPN", "Japan", &[]),
        c(
            "CN",
            "CHN",
            "China",
            &[(1200, "CN-BJ", "北京市"), (1201, "CN-SH", "上海市")],
        ),
        c("SA", "SAU", "Saudi Arabia", &[]),
        c("EG", "EGY", "Egypt", &[]),
        c("HK", "HKG", "Hong Kong SAR China", &[]),
    ]
}

/// Luma's option ids: the configurable products use some of them as `value_index`.
const COLOR_OPTIONS: [(&str, u32); 12] = [
    ("Black", 49),
    ("Blue", 50),
    ("Brown", 51),
    ("Gray", 52),
    ("Green", 53),
    ("Lavender", 54),
    ("Multi", 55),
    ("Orange", 56),
    ("Purple", 57),
    ("Red", 58),
    ("White", 59),
    ("Yellow", 60),
];
const SIZE_OPTIONS: [(&str, u32); 5] =
    [("XS", 166), ("S", 167), ("M", 168), ("L", 169), ("XL", 170)];

fn attributes() -> Vec<ProductAttribute> {
    let a = |id, code: &str, label: &str, options: &[(&str, u32)]| ProductAttribute {
        id,
        code: text(code),
        label: text(label),
        options: options.iter().map(|(l, v)| (text(l), *v)).collect(),
    };
    vec![
        a(COLOR_ATTRIBUTE_ID, "color", "Color", &COLOR_OPTIONS),
        a(SIZE_ATTRIBUTE_ID, "size", "Size", &SIZE_OPTIONS),
    ]
}

/// (sku, name, price in cents, status 1 enabled / 2 disabled).
const SIMPLES: [(&str, &str, i64, u8); 24] = [
    ("24-MB01", "Joust Duffle Bag", 3400, 1),
    ("24-MB04", "Strive Shoulder Pack", 3200, 1),
    ("24-MB03", "Crown Summit Backpack", 3800, 1),
    ("24-MB05", "Wayfarer Messenger Bag", 4500, 1),
    ("24-MB06", "Rival Field Messenger", 4500, 1),
    ("24-UG06", "Affirm Water Bottle ", 700, 1),
    ("24-UG07", "Dual Handle Cardio Ball", 1200, 1),
    ("24-UG04", "Zing Jump Rope", 1200, 1),
    ("24-UG02", "Pursuit Lumaflex&trade; Tone Band", 1600, 1),
    (
        "24-UG03",
        "Harmony Lumaflex&trade; Strength Band Kit ",
        2200,
        1,
    ),
    ("24-UG05", "Go-Get'r Pushup Grips", 1900, 1),
    ("24-UG01", "Quest Lumaflex&trade; Band", 1900, 1),
    ("24-WG084", "Sprite Foam Yoga Brick", 500, 1),
    ("24-WG088", "Sprite Foam Roller", 1900, 1),
    ("24-WG081-blue", "Sprite Stasis Ball 55 cm", 2300, 1),
    ("24-WG080", "Sprite Yoga Companion Kit", 7700, 1),
    ("24-WB04", "Overnight Duffle", 4500, 1),
    ("24-WB07", "Push It Messenger Bag", 4500, 1),
    ("24-WG02", "Didi Sport Watch", 9200, 1),
    ("24-MG04", "Aim Analog Watch", 4500, 1),
    ("24-MG01", "Endurance Watch", 4900, 1),
    ("24-WG03", "Clamber Watch", 5499, 1),
    ("MUG-ÜBER", "Kaffeebecher „Über“ — 😀", 999, 1),
    ("24-RETIRED", "Retired Yoga Strap", 1400, 2),
];

/// (sku, name, price in cents); each has six children (three sizes × two colours).
const CONFIGURABLES: [(&str, &str, i64); 10] = [
    ("WS12", "Radiant Tee", 2200),
    ("WS08", "Minerva LumaTech&trade; V-Tee", 3200),
    ("WS03", "Iris Workout Top", 2900),
    ("MH01", "Chaz Kangeroo Hoodie", 5200),
    ("MH03", "Bruno Compete Hoodie", 6300),
    ("MJ01", "Beaumont Summit Kit", 4200),
    ("WJ06", "Juno Jacket", 7700),
    ("MS04", "Gobi HeatTec&reg; Tee", 2900),
    ("WH11", "Eos V-Neck Hoodie", 5400),
    ("MP06", "Mithra Warmup Pant", 7400),
];

/// Option labels with their Magento option ids (a subset of `SIZE_OPTIONS`/`COLOR_OPTIONS`).
const SIZES: [(&str, u32); 3] = [("S", 167), ("M", 168), ("L", 169)];
const COLORS: [(&str, u32); 2] = [("Orange", 56), ("Blue", 50)];

/// Products whose stock is not the unmanaged default: (sku, tracked qty, in stock, min sale
/// qty, max sale qty). Everything else is unlimited with Magento's default sale limits.
const STOCK: [(&str, Option<u32>, bool, u32, u32); 9] = [
    // Sold out.
    ("24-MB06", Some(0), false, 1, 10_000),
    ("24-UG05", Some(0), false, 1, 10_000),
    ("24-WG088", Some(0), false, 1, 10_000),
    ("WS12-L-Blue", Some(0), false, 1, 10_000),
    ("MH01-S-Orange", Some(0), false, 1, 10_000),
    // The last few units.
    ("24-WG080", Some(3), true, 1, 10_000),
    // Sale limits.
    ("24-UG01", None, true, 1, 5),
    ("24-UG02", None, true, 2, 10_000),
    // A limit and a small stock: one request can break both rules.
    ("24-MG01", Some(4), true, 1, 3),
];

/// Products not sold on every website: (sku, website ids).
const WEBSITES: [(&str, &[u16]); 1] = [("MUG-ÜBER", &[2])];

/// The bundle and the simple products it is made of.
const BUNDLE: (&str, &str, i64) = ("24-YOGA-SET", "Yoga Starter Set", 3900);
const BUNDLE_PARTS: [&str; 2] = ["24-WG084", "24-UG04"];

fn products(anchor: Ts, extra: u32) -> Vec<Product> {
    // The catalogue predates the two-year sales history.
    let created = anchor.plus(-3 * 365 * 86_400);
    let base = |sku: &str, name: &str, type_id, cents: i64| Product {
        id: 0,
        sku: text(sku),
        name: text(name),
        type_id,
        price: money(cents),
        status: 1,
        visibility: 4,
        weight: Decimal::ONE,
        attribute_set_id: 4,
        parent_id: None,
        children: Vec::new(),
        options: None,
        website_ids: vec![1, 2, 3],
        stock: StockItem::default(),
        created_at: created,
        updated_at: created,
    };
    let mut out: Vec<Product> = Vec::new();
    let push = |out: &mut Vec<Product>, mut p: Product| {
        p.id = out.len() as u32 + 1;
        out.push(p);
        out.len() as u32
    };
    for (sku, name, cents, status) in SIMPLES {
        let mut p = base(sku, name, ProductType::Simple, cents);
        p.status = status;
        push(&mut out, p);
    }
    for (sku, name, cents) in CONFIGURABLES {
        let mut parent = base(sku, name, ProductType::Configurable, cents);
        parent.weight = Decimal::ZERO;
        parent.attribute_set_id = 9;
        let parent_id = push(&mut out, parent);
        for (size, size_option) in SIZES {
            for (color, color_option) in COLORS {
                let child_sku = format!("{sku}-{size}-{color}");
                let child_name = format!("{name}-{size}-{color}");
                let mut child = base(&child_sku, &child_name, ProductType::Simple, cents);
                child.visibility = 1;
                child.attribute_set_id = 9;
                child.parent_id = Some(parent_id);
                child.options = Some((color_option, size_option));
                let child_id = push(&mut out, child);
                out[parent_id as usize - 1].children.push(child_id);
            }
        }
    }
    let mut gift = base("GIFT-CARD-25", "E-Gift Card 25", ProductType::Virtual, 2500);
    gift.weight = Decimal::ZERO;
    push(&mut out, gift);
    let (sku, name, cents) = BUNDLE;
    let mut bundle = base(sku, name, ProductType::Bundle, cents);
    bundle.children = BUNDLE_PARTS
        .iter()
        .filter_map(|part| out.iter().find(|p| &*p.sku == *part).map(|p| p.id))
        .collect();
    push(&mut out, bundle);
    for (sku, qty, in_stock, min, max) in STOCK {
        if let Some(p) = out.iter_mut().find(|p| &*p.sku == sku) {
            p.stock = StockItem {
                qty,
                is_in_stock: in_stock,
                min_sale_qty: min,
                max_sale_qty: max,
            };
        }
    }
    for (sku, websites) in WEBSITES {
        if let Some(p) = out.iter_mut().find(|p| &*p.sku == sku) {
            p.website_ids = websites.to_vec();
        }
    }
    for n in 1..=extra {
        // Prices from 5.00 to 204.99, spread deterministically.
        let cents = 500 + (n as i64 * 7_919) % 20_000;
        let sku = format!("{EXTRA_SKU_PREFIX}{n:06}");
        let name = format!("Benchmark Product {n}");
        push(&mut out, base(&sku, &name, ProductType::Simple, cents));
    }
    out
}
