//! The Magento Customers grid.

use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::subscribers::{status_label, status_tone};
use super::{Cell, GridRecord, LocalTime, Sort};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomerField {
    Channel,
    Website,
    Name,
    Email,
    Group,
    LifetimeSales,
    OrdersCount,
    /// The last non-canceled order's time (kept by the sync).
    LastOrderAt,
    /// The RFM score as three digits (`545`): recency, frequency, monetary, each 1–5.
    Rfm,
    /// The default billing address's country (else the first address's).
    Country,
    /// The newsletter status (the customer's latest subscriber record), or none.
    Subscription,
    CreatedAt,
    UpdatedAt,
    IsGuest,
    /// The customers of an account (account page).
    Account,
    /// Customers with a non-canceled order created in a date range (the dashboard's new and
    /// returning customers).
    OrderedAt,
    /// The parts of the RFM score, each filtered as a number from 1 to 5 (5: most recent
    /// last order, most orders in the last 365 days, highest lifetime sales).
    RfmRecency,
    RfmFrequency,
    RfmMonetary,
}

/// The newsletter statuses a customer can be filtered by: Magento's four, and no subscriber
/// record at all.
pub const SUBSCRIPTIONS: &[Choice] = &[
    Choice {
        value: "subscribed",
        label: "Subscribed",
    },
    Choice {
        value: "not_activated",
        label: "Not activated",
    },
    Choice {
        value: "unsubscribed",
        label: "Unsubscribed",
    },
    Choice {
        value: "unconfirmed",
        label: "Unconfirmed",
    },
    Choice {
        value: "none",
        label: "No subscription",
    },
];

impl GridField for CustomerField {
    const GRID: &'static str = "customers";
    const ALL: &'static [Self] = &[
        CustomerField::Channel,
        CustomerField::Website,
        CustomerField::Name,
        CustomerField::Email,
        CustomerField::Group,
        CustomerField::LifetimeSales,
        CustomerField::OrdersCount,
        CustomerField::LastOrderAt,
        CustomerField::Rfm,
        CustomerField::Country,
        CustomerField::Subscription,
        CustomerField::CreatedAt,
        CustomerField::UpdatedAt,
        CustomerField::IsGuest,
        CustomerField::Account,
        CustomerField::OrderedAt,
        CustomerField::RfmRecency,
        CustomerField::RfmFrequency,
        CustomerField::RfmMonetary,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(CustomerField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            CustomerField::Channel => FieldDef::col("channel", "Channel").hidden().filter(Channel),
            CustomerField::Website => FieldDef::col("website", "Website").filter(Website),
            CustomerField::Name => FieldDef::col("name", "Name").sortable().filter(Text),
            CustomerField::Email => FieldDef::col("email", "Email").sortable().filter(Text),
            CustomerField::Group => FieldDef::col("group", "Group").filter(Text),
            CustomerField::LifetimeSales => FieldDef::col("lifetime_sales", "Lifetime sales")
                .sortable()
                .numeric()
                .filter(Number),
            CustomerField::OrdersCount => FieldDef::col("orders_count", "Orders")
                .hidden()
                .sortable()
                .numeric()
                .filter(Number),
            CustomerField::LastOrderAt => FieldDef::col("last_order_at", "Last order")
                .hidden()
                .sortable()
                .filter(Date),
            CustomerField::Rfm => FieldDef::col("rfm", "RFM").hidden().sortable().numeric(),
            // Filtered by ISO code (`country_eq=DE`; a whole code in `country=` finds the same).
            CustomerField::Country => FieldDef::col("country", "Country/region").filter(Text),
            CustomerField::Subscription => FieldDef::col("subscription", "Newsletter")
                .hidden()
                .filter(Choice(SUBSCRIPTIONS)),
            CustomerField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
            CustomerField::UpdatedAt => FieldDef::col("updated_at", "Updated")
                .hidden()
                .sortable()
                .filter(Date),
            CustomerField::IsGuest => FieldDef::col("is_guest", "Guest").filter(Bool),
            CustomerField::Account => FieldDef::link_filter("account", "Account", Id),
            CustomerField::OrderedAt => FieldDef::link_filter("ordered_at", "Ordered", Date),
            CustomerField::RfmRecency => rfm_part("rfm_recency", "RFM recency (1–5)"),
            CustomerField::RfmFrequency => rfm_part("rfm_frequency", "RFM frequency (1–5)"),
            CustomerField::RfmMonetary => rfm_part("rfm_monetary", "RFM monetary (1–5)"),
        }
    }
}
serde_by_key!(CustomerField);

/// A part of the RFM score: a filter of the panel without a column of its own (the `rfm`
/// column shows all three).
const fn rfm_part(key: &'static str, label: &'static str) -> FieldDef {
    FieldDef {
        in_panel: true,
        ..FieldDef::link_filter(key, label, FilterKind::Number)
    }
}

/// A row of the customers grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub name: Option<String>,
    pub email: String,
    pub group: Option<String>,
    #[serde(with = "crate::wire::decimal")]
    pub lifetime_sales: Decimal,
    pub orders_count: i32,
    /// The currency of the customer's latest order.
    pub currency: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub is_guest: bool,
    pub last_order_at: Option<LocalTime>,
    /// Recency, frequency and monetary scores (1–5); `None` without a non-canceled order.
    pub rfm: Option<[i16; 3]>,
    /// Magento's newsletter status (1 Subscribed … 4 Unconfirmed); `None` without a record.
    pub subscription: Option<i16>,
}

impl GridRecord for CustomerRow {
    type Field = CustomerField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: CustomerField) -> Cell {
        match field {
            CustomerField::Channel => Cell::text(&self.channel),
            CustomerField::Website => Cell::opt_text(self.website.as_deref()),
            CustomerField::Name => Cell::Link {
                text: self
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| self.email.clone()),
                href: format!("/customers/{}", self.id),
            },
            CustomerField::Email => Cell::text(&self.email),
            CustomerField::Group => Cell::opt_text(self.group.as_deref()),
            CustomerField::LifetimeSales => {
                Cell::money(Some(self.lifetime_sales), self.currency.as_deref())
            }
            CustomerField::OrdersCount => Cell::Int(self.orders_count.into()),
            CustomerField::Country => match (self.country.as_deref(), self.region.as_deref()) {
                (Some(c), Some(r)) if !r.trim().is_empty() => Cell::Text(format!("{c} / {r}")),
                (c, _) => Cell::opt_text(c),
            },
            CustomerField::LastOrderAt => Cell::time(&self.last_order_at),
            CustomerField::Rfm => match self.rfm {
                Some([r, f, m]) => Cell::Text(format!("{r}{f}{m}")),
                None => Cell::Empty,
            },
            CustomerField::Subscription => match self.subscription {
                Some(status) => Cell::Badge {
                    text: status_label(status).into(),
                    tone: status_tone(status),
                },
                None => Cell::Empty,
            },
            CustomerField::CreatedAt => Cell::time(&self.created_at),
            CustomerField::UpdatedAt => Cell::time(&self.updated_at),
            CustomerField::IsGuest => Cell::Flag(self.is_guest),
            CustomerField::Account
            | CustomerField::OrderedAt
            | CustomerField::RfmRecency
            | CustomerField::RfmFrequency
            | CustomerField::RfmMonetary => Cell::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Condition, GridQuery, parse};
    use chrono::NaiveDate;

    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::CustomerField>();
    }

    fn customers(list: &[(&str, &str)]) -> Result<GridQuery<CustomerField>, crate::AppError> {
        let pairs: Vec<(String, String)> = list
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&pairs, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap())
    }

    #[test]
    fn segment_filters_parse_and_round_trip() {
        let q = customers(&[
            ("group", "whole"),
            ("country_eq", "de"),
            ("subscription", "Subscribed,none"),
            ("last_order_at_preset", "last_30_days"),
            ("rfm_recency_min", "4"),
            ("rfm_frequency_max", "2"),
            ("rfm_monetary_min", "5"),
            ("rfm_monetary_max", "5"),
            ("sort", "-rfm"),
        ])
        .unwrap();
        assert_eq!(
            q.condition(CustomerField::Group),
            Some(&Condition::Contains("whole".into()))
        );
        assert_eq!(
            q.condition(CustomerField::Country),
            Some(&Condition::Equals("de".into()))
        );
        assert_eq!(
            q.condition(CustomerField::Subscription),
            Some(&Condition::AnyOf(vec!["subscribed".into(), "none".into()]))
        );
        assert!(matches!(
            q.condition(CustomerField::LastOrderAt),
            Some(Condition::Dates {
                preset: Some(_),
                ..
            })
        ));
        assert_eq!(
            q.condition(CustomerField::RfmRecency),
            Some(&Condition::Range {
                min: Some(4.into()),
                max: None
            })
        );
        assert_eq!(q.sort, Sort::desc(CustomerField::Rfm));
        let again: GridQuery<CustomerField> = customers(
            &q.to_pairs()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert_eq!(again, q);
        // The parts filter from the panel; the score is a column only.
        for f in [
            CustomerField::RfmRecency,
            CustomerField::RfmFrequency,
            CustomerField::RfmMonetary,
        ] {
            assert!(f.def().in_panel && !f.def().column);
        }
        assert!(CustomerField::Rfm.def().filter.is_none());
        assert!(!CustomerField::default_columns().contains(&CustomerField::Rfm));
    }

    #[test]
    fn unknown_subscription_statuses_are_refused() {
        assert!(customers(&[("subscription", "1")]).is_err());
        assert!(customers(&[("subscription", "subscribed,maybe")]).is_err());
    }

    #[test]
    fn the_score_and_the_newsletter_status_read_as_shown() {
        let row = CustomerRow {
            id: 1,
            channel: "A".into(),
            website: None,
            name: None,
            email: "a@example.com".into(),
            group: None,
            lifetime_sales: Decimal::ZERO,
            orders_count: 0,
            currency: None,
            country: None,
            region: None,
            created_at: None,
            updated_at: None,
            is_guest: false,
            last_order_at: None,
            rfm: Some([5, 4, 5]),
            subscription: Some(3),
        };
        assert_eq!(row.cell(CustomerField::Rfm).display(), "545");
        assert_eq!(
            row.cell(CustomerField::Subscription).display(),
            "Unsubscribed"
        );
        let none = CustomerRow {
            rfm: None,
            subscription: None,
            ..row
        };
        assert_eq!(none.cell(CustomerField::Rfm), Cell::Empty);
        assert_eq!(none.cell(CustomerField::Subscription), Cell::Empty);
    }
}
