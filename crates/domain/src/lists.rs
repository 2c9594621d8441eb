//! Marketing lists: a saved filter over customers, carts or newsletter subscribers (dynamic,
//! recomputed when read) or a member set frozen at a moment (static, refreshed on demand). The
//! filter is the entity grid's own query, so a list is built in the grid the user already knows
//! and its members are exactly the grid's rows (minus members removed from the list).

use crate::grid::{LocalTime, Money};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListEntity {
    Customers,
    Carts,
    Subscribers,
}

impl ListEntity {
    pub const ALL: [ListEntity; 3] = [
        ListEntity::Customers,
        ListEntity::Carts,
        ListEntity::Subscribers,
    ];

    /// As stored (the entity's name elsewhere in the CRM).
    pub fn as_str(self) -> &'static str {
        match self {
            ListEntity::Customers => "customers",
            ListEntity::Carts => "carts",
            ListEntity::Subscribers => "newsletter-subscribers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ListEntity::ALL.into_iter().find(|e| e.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ListEntity::Customers => "Customers",
            ListEntity::Carts => "Shopping carts",
            ListEntity::Subscribers => "Newsletter subscribers",
        }
    }

    /// The grid a list's filter comes from.
    pub fn grid_path(self) -> &'static str {
        match self {
            ListEntity::Customers => "/customers",
            ListEntity::Carts => "/carts",
            ListEntity::Subscribers => "/newsletter-subscribers",
        }
    }

    /// A member's record page.
    pub fn record_href(self, id: i64) -> String {
        format!("{}/{id}", self.grid_path())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Dynamic,
    Static,
}

impl ListKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Dynamic => "dynamic",
            ListKind::Static => "static",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dynamic" => Some(ListKind::Dynamic),
            "static" => Some(ListKind::Static),
            _ => None,
        }
    }
}

/// The lists every channel has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    AbandonedCarts,
    Subscribed,
    FirstTimeBuyers,
    LapsedCustomers,
}

/// How long without an order makes a customer lapsed.
pub const LAPSED_DAYS: i64 = 180;

impl Builtin {
    pub const ALL: [Builtin; 4] = [
        Builtin::AbandonedCarts,
        Builtin::Subscribed,
        Builtin::FirstTimeBuyers,
        Builtin::LapsedCustomers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Builtin::AbandonedCarts => "abandoned_carts",
            Builtin::Subscribed => "subscribed",
            Builtin::FirstTimeBuyers => "first_time_buyers",
            Builtin::LapsedCustomers => "lapsed_customers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Builtin::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::AbandonedCarts => "Abandoned carts",
            Builtin::Subscribed => "Subscribed to the newsletter",
            Builtin::FirstTimeBuyers => "First-time buyers (last 30 days)",
            Builtin::LapsedCustomers => "Lapsed customers (no order for 180 days)",
        }
    }

    pub fn entity(self) -> ListEntity {
        match self {
            Builtin::AbandonedCarts => ListEntity::Carts,
            Builtin::Subscribed => ListEntity::Subscribers,
            Builtin::FirstTimeBuyers | Builtin::LapsedCustomers => ListEntity::Customers,
        }
    }

    /// The grid query, made when read: the dates move with `today`.
    pub fn query(self, channel_id: i64, today: NaiveDate) -> String {
        match self {
            // product.md §3: open, items, a contact email, idle past the threshold.
            Builtin::AbandonedCarts => format!("channel={channel_id}&abandoned=true"),
            // Status 1 only: not activated, unconfirmed and unsubscribed people are not on it.
            Builtin::Subscribed => format!("channel={channel_id}&status=1"),
            Builtin::FirstTimeBuyers => format!(
                "channel={channel_id}&orders_count_min=1&orders_count_max=1\
                 &last_order_at_preset=last_30_days"
            ),
            Builtin::LapsedCustomers => format!(
                "channel={channel_id}&orders_count_min=1&last_order_at_max={}",
                today - Duration::days(LAPSED_DAYS)
            ),
        }
    }
}

/// A list as the lists page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSummary {
    pub id: i64,
    pub name: String,
    pub entity: ListEntity,
    pub kind: ListKind,
    pub builtin: Option<Builtin>,
    pub channel: Option<String>,
    /// The grid query the members come from (a built-in's as of today).
    pub query: String,
    /// Members (removed ones excluded); `None` when counting failed (a filter the grid no
    /// longer knows).
    pub members: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: Option<LocalTime>,
    pub refreshed_at: Option<LocalTime>,
}

/// A member of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMember {
    pub record_id: i64,
    pub email: Option<String>,
    pub name: Option<String>,
    pub lifetime_sales: Option<Money>,
    pub last_order_at: Option<LocalTime>,
    /// The record's status in words (cart status, subscription status, Registered/Guest).
    pub status: String,
    pub contacted_times: i32,
    pub last_contacted_at: Option<LocalTime>,
    /// Unsubscribed from the store's newsletter: never used for email (left out of exports).
    pub unsubscribed: bool,
}

/// A page of a list's members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub list: ListSummary,
    pub members: Vec<ListMember>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Members removed from the list by a user.
    pub removed: i64,
}

/// A new list, as the "Save as list" form sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewList {
    pub name: String,
    pub entity: ListEntity,
    pub kind: ListKind,
    /// The grid's query string (without `?`).
    pub query: String,
}

impl NewList {
    /// The checks that need no database: a name, a query of sane size.
    pub fn check(&self) -> Result<(), crate::AppError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(crate::AppError::invalid("name", "Name the list."));
        }
        if name.chars().count() > 120 {
            return Err(crate::AppError::invalid(
                "name",
                "A list's name has at most 120 characters.",
            ));
        }
        if self.query.len() > 4000 {
            return Err(crate::AppError::invalid(
                "query",
                "This filter is too long to save as a list.",
            ));
        }
        Ok(())
    }
}

/// Page and view state that is not a filter: a list keeps only what selects members.
pub fn filter_pairs(query: &str) -> Vec<(String, String)> {
    crate::grid::codec::decode_query(query)
        .into_iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "page" | "per_page" | "sort" | "dir" | "view" | "cols"
            )
        })
        .collect()
}

/// The first line of a list's CSV export (with a byte-order mark: spreadsheets then read the
/// file as UTF-8).
pub const CSV_HEAD: &str = "\u{feff}Email,Name,Lifetime sales,Currency,Last order,Status,Contacted times,Last contacted\r\n";

impl ListMember {
    /// Appends this member as a line of the list's CSV export (spreadsheet-safe cells).
    pub fn push_csv_line(&self, out: &mut String) {
        let sales = self
            .lifetime_sales
            .as_ref()
            .map(|s| s.amount.to_string())
            .unwrap_or_default();
        let currency = self
            .lifetime_sales
            .as_ref()
            .and_then(|s| s.currency.clone())
            .unwrap_or_default();
        let time = |t: &Option<LocalTime>| t.as_ref().map(LocalTime::display).unwrap_or_default();
        let (last, contacted) = (time(&self.last_order_at), time(&self.last_contacted_at));
        let times = self.contacted_times.to_string();
        crate::csv::push_line(
            out,
            [
                (self.email.as_deref().unwrap_or(""), false),
                (self.name.as_deref().unwrap_or(""), false),
                (sales.as_str(), true),
                (currency.as_str(), false),
                (last.as_str(), false),
                (self.status.as_str(), false),
                (times.as_str(), true),
                (contacted.as_str(), false),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_queries_move_with_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            Builtin::LapsedCustomers.query(7, today),
            "channel=7&orders_count_min=1&last_order_at_max=2026-06-08"
        );
        assert!(
            Builtin::AbandonedCarts
                .query(7, today)
                .contains("abandoned=true")
        );
        for b in Builtin::ALL {
            assert_eq!(Builtin::parse(b.as_str()), Some(b));
        }
    }

    /// Issue 17, hole 4: the list export is one of the CSV paths; a storefront name or email
    /// that a spreadsheet would run as a formula stays text, a negative amount a number.
    #[test]
    fn list_exports_keep_formulas_as_text() {
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let member = ListMember {
                record_id: 1,
                email: Some(format!("{lead}cmd@evil.example")),
                name: Some(format!("{lead}HYPERLINK(\"http://evil.example\")")),
                lifetime_sales: Some(Money {
                    amount: rust_decimal::Decimal::new(-500, 2),
                    currency: Some("EUR".into()),
                }),
                last_order_at: None,
                status: "Registered".into(),
                contacted_times: 0,
                last_contacted_at: None,
                unsubscribed: false,
            };
            let mut line = String::new();
            member.push_csv_line(&mut line);
            assert_eq!(
                line,
                format!(
                    "\"'{lead}cmd@evil.example\",\"'{lead}HYPERLINK(\"\"http://evil.example\"\")\",\
                     -5.00,EUR,,Registered,0,\r\n"
                ),
                "{lead:?}"
            );
        }
    }

    #[test]
    fn a_list_keeps_the_filters_not_the_page() {
        let pairs =
            filter_pairs("?country=DE&page=3&sort=email&lifetime_sales_min=100&name=Ann+Lee%21");
        assert_eq!(
            pairs,
            vec![
                ("country".to_string(), "DE".to_string()),
                ("lifetime_sales_min".to_string(), "100".to_string()),
                ("name".to_string(), "Ann Lee!".to_string()),
            ]
        );
    }
}
