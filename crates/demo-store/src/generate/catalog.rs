//! The fixed part of the store: websites, stores, groups, countries and the product catalogue.
//! Three websites with their own currency and tax, store views in several languages (one of
//! them disabled), and a catalogue of simple and configurable products.

use rust_decimal::Decimal;

use crate::clock::Ts;
use crate::model::{
    Catalog, Country, CustomerGroup, Product, ProductType, Region, StoreGroup, StoreView, Website,
    text,
};
use crate::pricing::money;

pub fn build(anchor: Ts) -> Catalog {
    Catalog::new(
        websites(),
        store_groups(),
        store_views(),
        customer_groups(),
        countries(),
        products(anchor),
    )
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

/// Option labels with their Magento option ids.
const SIZES: [(&str, u32); 3] = [("S", 167), ("M", 168), ("L", 169)];
const COLORS: [(&str, u32); 2] = [("Orange", 56), ("Blue", 50)];

fn products(anchor: Ts) -> Vec<Product> {
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
    out
}
