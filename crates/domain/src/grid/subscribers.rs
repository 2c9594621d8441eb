//! The Newsletter Subscribers grid.

use super::carts::customer_cell;
use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubscriberField {
    Channel,
    Website,
    Email,
    Customer,
    Status,
    StatusChangedAt,
}

/// Magento's subscriber statuses.
pub const SUBSCRIBER_STATUSES: &[Choice] = &[
    Choice {
        value: "1",
        label: "Subscribed",
    },
    Choice {
        value: "2",
        label: "Not activated",
    },
    Choice {
        value: "3",
        label: "Unsubscribed",
    },
    Choice {
        value: "4",
        label: "Unconfirmed",
    },
];

/// The label of a subscriber status.
pub fn status_label(status: i16) -> &'static str {
    match status {
        1 => "Subscribed",
        2 => "Not activated",
        3 => "Unsubscribed",
        4 => "Unconfirmed",
        _ => "Unknown",
    }
}

/// The badge colour of a subscriber status.
pub fn status_tone(status: i16) -> Tone {
    match status {
        1 => Tone::Success,
        3 => Tone::Neutral,
        _ => Tone::Warning,
    }
}

impl GridField for SubscriberField {
    const GRID: &'static str = "newsletter-subscribers";
    const ALL: &'static [Self] = &[
        SubscriberField::Channel,
        SubscriberField::Website,
        SubscriberField::Email,
        SubscriberField::Customer,
        SubscriberField::Status,
        SubscriberField::StatusChangedAt,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(SubscriberField::StatusChangedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            SubscriberField::Channel => FieldDef::col("channel", "Channel").filter(Channel),
            SubscriberField::Website => FieldDef::col("website", "Website").filter(Website),
            SubscriberField::Email => FieldDef::col("email", "Email").sortable().filter(Text),
            SubscriberField::Customer => FieldDef::col("customer", "Customer")
                .filter(Id)
                .not_in_panel(),
            SubscriberField::Status => FieldDef::col("status", "Status")
                .sortable()
                .filter(Choice(SUBSCRIBER_STATUSES)),
            SubscriberField::StatusChangedAt => {
                FieldDef::col("status_changed_at", "Status changed")
                    .sortable()
                    .filter(Date)
            }
        }
    }
}
serde_by_key!(SubscriberField);

/// A row of the subscribers grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberRow {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub email: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub status: i16,
    pub status_changed_at: Option<LocalTime>,
}

impl GridRecord for SubscriberRow {
    type Field = SubscriberField;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, field: SubscriberField) -> Cell {
        match field {
            SubscriberField::Channel => Cell::text(&self.channel),
            SubscriberField::Website => Cell::opt_text(self.website.as_deref()),
            SubscriberField::Email => Cell::Link {
                text: self.email.clone(),
                href: format!("/newsletter-subscribers/{}", self.id),
            },
            SubscriberField::Customer => match self.customer_id {
                Some(id) => {
                    customer_cell(Some(id), self.customer_name.as_deref(), Some(&self.email))
                }
                None => Cell::text("Not a customer"),
            },
            SubscriberField::Status => Cell::Badge {
                text: status_label(self.status).into(),
                tone: status_tone(self.status),
            },
            SubscriberField::StatusChangedAt => Cell::time(&self.status_changed_at),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::SubscriberField>();
    }
}
