//! The Opportunities grid: carts converted into sales opportunities (issue 16).

use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpportunityField {
    Channel,
    Name,
    Customer,
    Owner,
    Stage,
    Probability,
    Budget,
    CloseOn,
    CreatedAt,
}

/// The stages, as `follow_up::STAGES`.
pub const STAGE_CHOICES: &[Choice] = &[
    Choice {
        value: "qualify",
        label: "Qualify",
    },
    Choice {
        value: "develop",
        label: "Develop",
    },
    Choice {
        value: "proposal",
        label: "Proposal",
    },
    Choice {
        value: "negotiation",
        label: "Negotiation",
    },
    Choice {
        value: "won",
        label: "Closed won",
    },
    Choice {
        value: "lost",
        label: "Closed lost",
    },
];

impl GridField for OpportunityField {
    const GRID: &'static str = "opportunities";
    const ALL: &'static [Self] = &[
        OpportunityField::Channel,
        OpportunityField::Name,
        OpportunityField::Customer,
        OpportunityField::Owner,
        OpportunityField::Stage,
        OpportunityField::Probability,
        OpportunityField::Budget,
        OpportunityField::CloseOn,
        OpportunityField::CreatedAt,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(OpportunityField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            OpportunityField::Channel => {
                FieldDef::col("channel", "Channel").hidden().filter(Channel)
            }
            OpportunityField::Name => FieldDef::col("name", "Opportunity").sortable().filter(Text),
            OpportunityField::Customer => FieldDef::col("customer", "Customer")
                .filter(Id)
                .not_in_panel(),
            OpportunityField::Owner => FieldDef::col("owner", "Owner").filter(Id).not_in_panel(),
            OpportunityField::Stage => FieldDef::col("stage", "Stage")
                .sortable()
                .filter(Choice(STAGE_CHOICES)),
            OpportunityField::Probability => FieldDef::col("probability", "Probability %")
                .sortable()
                .numeric()
                .filter(Number),
            OpportunityField::Budget => FieldDef::col("budget", "Budget")
                .sortable()
                .numeric()
                .filter(Number),
            OpportunityField::CloseOn => FieldDef::col("close_on", "Close date")
                .sortable()
                .filter(Date),
            OpportunityField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
        }
    }
}
serde_by_key!(OpportunityField);

/// A row of the opportunities grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRow {
    pub id: i64,
    pub channel: String,
    pub name: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub owner: Option<(i64, String)>,
    pub stage: String,
    pub probability: i16,
    #[serde(with = "crate::wire::decimal_option")]
    pub budget: Option<Decimal>,
    pub currency: Option<String>,
    #[serde(with = "crate::wire::time_option")]
    pub close_on: Option<NaiveDate>,
    pub created_at: Option<LocalTime>,
}

pub fn stage_tone(stage: &str) -> Tone {
    match stage {
        "won" => Tone::Success,
        "lost" => Tone::Danger,
        "negotiation" | "proposal" => Tone::Warning,
        _ => Tone::Info,
    }
}

impl GridRecord for OpportunityRow {
    type Field = OpportunityField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: OpportunityField) -> Cell {
        match field {
            OpportunityField::Channel => Cell::text(&self.channel),
            OpportunityField::Name => Cell::Link {
                text: self.name.clone(),
                href: format!("/opportunities/{}", self.id),
            },
            OpportunityField::Customer => {
                super::carts::customer_cell(self.customer_id, self.customer_name.as_deref(), None)
            }
            OpportunityField::Owner => match &self.owner {
                Some((id, name)) => Cell::Link {
                    text: name.clone(),
                    href: format!("/opportunities?owner={id}"),
                },
                None => Cell::Empty,
            },
            OpportunityField::Stage => Cell::Badge {
                text: crate::follow_up::stage_label(&self.stage).into(),
                tone: stage_tone(&self.stage),
            },
            OpportunityField::Probability => Cell::Number(Decimal::from(self.probability)),
            OpportunityField::Budget => Cell::money(self.budget, self.currency.as_deref()),
            OpportunityField::CloseOn => match self.close_on {
                Some(d) => Cell::Text(crate::dates::day_month_year(d)),
                None => Cell::Empty,
            },
            OpportunityField::CreatedAt => Cell::time(&self.created_at),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::OpportunityField>();
    }

    #[test]
    fn stages_match_the_follow_up_stages() {
        let values: Vec<&str> = super::STAGE_CHOICES.iter().map(|c| c.value).collect();
        let expected: Vec<&str> = crate::follow_up::STAGES.iter().map(|s| s.0).collect();
        assert_eq!(values, expected);
    }
}
