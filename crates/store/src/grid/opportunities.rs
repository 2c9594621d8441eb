//! The Opportunities grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::grid::opportunities::{OpportunityField, OpportunityRow};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    name: String,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    stage: String,
    probability: i16,
    budget: Option<Decimal>,
    currency: Option<String>,
    close_on: Option<NaiveDate>,
    created_at: Option<DateTime<Utc>>,
}

impl GridSource for OpportunityField {
    type Row = Row;
    type Record = OpportunityRow;

    const TABLE: &'static str = "opportunities c";
    const SELECT: &'static str = r#"c.id, ch.name as channel, c.name, c.customer_id,
        coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email)
            as customer_name,
        c.owner_id, u.name as owner_name, c.stage, c.probability, c.budget, c.currency,
        c.close_on, c.created_at"#;
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join customers cu on cu.id = c.customer_id
        left join users u on u.id = c.owner_id"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            OpportunityField::Channel => Target::Col("c.channel_id"),
            OpportunityField::Name => Target::Text {
                expr: "c.name",
                eq: "lower(c.name)",
            },
            OpportunityField::Customer => Target::Col("c.customer_id"),
            OpportunityField::Owner => Target::Col("c.owner_id"),
            OpportunityField::Stage => Target::TextIn("c.stage"),
            OpportunityField::Probability => Target::Int("c.probability"),
            OpportunityField::Budget => Target::Col("c.budget"),
            OpportunityField::CloseOn => Target::Col("c.close_on"),
            OpportunityField::CreatedAt => Target::Col("c.created_at"),
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            OpportunityField::Name => Some("lower(c.name)"),
            OpportunityField::Stage => Some("c.stage"),
            OpportunityField::Probability => Some("c.probability"),
            OpportunityField::Budget => Some("c.budget"),
            OpportunityField::CloseOn => Some("c.close_on"),
            OpportunityField::CreatedAt => Some("c.created_at"),
            _ => None,
        }
    }

    fn sort_nullable(self) -> bool {
        matches!(self, OpportunityField::Budget | OpportunityField::CloseOn)
    }

    fn is_channel(self) -> bool {
        self == OpportunityField::Channel
    }

    fn record(r: Row, tz: Tz) -> OpportunityRow {
        OpportunityRow {
            id: r.id,
            channel: r.channel,
            name: r.name,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            owner: r.owner_id.zip(r.owner_name),
            stage: r.stage,
            probability: r.probability,
            budget: r.budget,
            currency: r.currency,
            close_on: r.close_on,
            created_at: local_time(r.created_at, tz),
        }
    }
}
