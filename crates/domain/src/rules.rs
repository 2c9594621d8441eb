//! Automation rules: the small per-channel rule list an administrator keeps so follow-up work
//! is handed out and tidied without anyone watching the grids. The job worker runs them after
//! every sync; a rule fires at most once per record (store::rules).

use crate::AppError;
use crate::auth::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleKind {
    /// When a cart becomes abandoned and its total is at least X, assign its follow-up.
    AssignAbandoned,
    /// When a follow-up has had no contact for N days, close it as Lost ("no answer").
    LoseUncontacted,
    /// When a customer places a first order, create an order follow-up (optionally assigned).
    FollowUpFirstOrders,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [
        RuleKind::AssignAbandoned,
        RuleKind::LoseUncontacted,
        RuleKind::FollowUpFirstOrders,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::AssignAbandoned => "assign_abandoned",
            RuleKind::LoseUncontacted => "lose_uncontacted",
            RuleKind::FollowUpFirstOrders => "follow_up_first_orders",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleKind::AssignAbandoned => "Assign abandoned carts",
            RuleKind::LoseUncontacted => "Close uncontacted follow-ups as Lost",
            RuleKind::FollowUpFirstOrders => "Follow up first orders",
        }
    }
}

impl FromStr for RuleKind {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        RuleKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| AppError::invalid("kind", "Choose what the rule does."))
    }
}

/// The reason a rule writes on the follow-ups it closes.
pub const NO_ANSWER: &str = "no answer";

/// Whom a rule hands work to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    User(i64),
    /// Round-robin over the role's active users, in the order they were created.
    RoundRobin(Role),
}

impl Assignee {
    /// The form's value: `user:12` or `role:sales`.
    pub fn to_value(&self) -> String {
        match self {
            Assignee::User(id) => format!("user:{id}"),
            Assignee::RoundRobin(role) => format!("role:{}", role.as_str()),
        }
    }

    pub fn parse(value: &str) -> Option<Assignee> {
        let (kind, rest) = value.split_once(':')?;
        match kind {
            "user" => rest.parse().ok().filter(|id| *id > 0).map(Assignee::User),
            "role" => Role::from_str(rest)
                .ok()
                // Marketing and Viewer do not work follow-ups (no Activities permission).
                .filter(|r| matches!(r, Role::Sales | Role::Administrator))
                .map(Assignee::RoundRobin),
            _ => None,
        }
    }
}

/// The rule form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInput {
    pub channel_id: i64,
    pub kind: String,
    /// Carts (or first orders) whose total is at least this; empty: any total.
    pub min_total: String,
    /// `user:ID`, `role:ROLE` or empty (required to assign carts).
    pub assignee: String,
    /// Days without a contact.
    pub after_days: String,
}

/// A checked rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub channel_id: i64,
    pub kind: RuleKind,
    pub min_total: Option<Decimal>,
    pub assignee: Option<Assignee>,
    pub after_days: Option<i32>,
}

impl RuleInput {
    /// Checks the form; each error names its field.
    pub fn check(&self) -> Result<RuleSpec, AppError> {
        if self.channel_id <= 0 {
            return Err(AppError::invalid("channel", "Choose a channel."));
        }
        let kind: RuleKind = self.kind.parse()?;
        let min_total = match self.min_total.trim() {
            "" => None,
            typed => {
                let n = Decimal::from_str(typed).map_err(|_| {
                    AppError::invalid(
                        "min_total",
                        format!("“{typed}” is not a number: type an amount such as 100 or 49.90."),
                    )
                })?;
                if n.is_sign_negative() {
                    return Err(AppError::invalid(
                        "min_total",
                        "The amount cannot be negative.",
                    ));
                }
                if n > Decimal::from(1_000_000_000_000i64) {
                    return Err(AppError::invalid("min_total", "The amount is too large."));
                }
                Some(n)
            }
        };
        let assignee = match self.assignee.trim() {
            "" => None,
            typed => Some(Assignee::parse(typed).ok_or_else(|| {
                AppError::invalid("assignee", "Choose a user or a role to hand the work to.")
            })?),
        };
        let after_days = match self.after_days.trim() {
            "" => None,
            typed => {
                let n: i32 = typed.parse().map_err(|_| {
                    AppError::invalid(
                        "after_days",
                        format!("“{typed}” is not a whole number of days."),
                    )
                })?;
                if !(1..=365).contains(&n) {
                    return Err(AppError::invalid(
                        "after_days",
                        "Choose between 1 and 365 days.",
                    ));
                }
                Some(n)
            }
        };
        let spec = match kind {
            RuleKind::AssignAbandoned => {
                if assignee.is_none() {
                    return Err(AppError::invalid(
                        "assignee",
                        "Choose whom the carts are assigned to.",
                    ));
                }
                RuleSpec {
                    channel_id: self.channel_id,
                    kind,
                    min_total,
                    assignee,
                    after_days: None,
                }
            }
            RuleKind::LoseUncontacted => RuleSpec {
                channel_id: self.channel_id,
                kind,
                min_total: None,
                assignee: None,
                after_days: Some(after_days.ok_or_else(|| {
                    AppError::invalid("after_days", "Type after how many days without a contact.")
                })?),
            },
            RuleKind::FollowUpFirstOrders => RuleSpec {
                channel_id: self.channel_id,
                kind,
                min_total,
                assignee,
                after_days: None,
            },
        };
        Ok(spec)
    }
}

impl RuleSpec {
    /// The rule in a sentence, `assignee` naming whom it hands work to.
    pub fn describe(&self, assignee: Option<&str>) -> String {
        let total = |prefix: &str| {
            self.min_total
                .map(|t| format!("{prefix}{}", t.normalize()))
                .unwrap_or_default()
        };
        let to = assignee.unwrap_or("nobody");
        match self.kind {
            RuleKind::AssignAbandoned => format!(
                "When a cart becomes abandoned{}, assign its follow-up to {to}.",
                total(" and its total is at least ")
            ),
            RuleKind::LoseUncontacted => format!(
                "When a follow-up has had no contact for {} days, close it as Lost (reason “{NO_ANSWER}”).",
                self.after_days.unwrap_or_default()
            ),
            RuleKind::FollowUpFirstOrders => format!(
                "When a customer places a first order{}, create an order follow-up{}.",
                total(" of at least "),
                assignee.map(|a| format!(" for {a}")).unwrap_or_default()
            ),
        }
    }
}

/// A rule as the rules page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleLine {
    pub id: i64,
    pub channel_id: i64,
    pub channel: String,
    pub kind: RuleKind,
    pub description: String,
    pub enabled: bool,
    /// How many records it fired on.
    pub firings: i64,
    pub last_fired_at: Option<crate::grid::LocalTime>,
}

/// What the rules page offers: the channels and whom work can go to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChoices {
    pub channels: Vec<(i64, String)>,
    /// (value, label): `user:ID` per active Sales or Administrator user, `role:…` per role.
    pub assignees: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, min_total: &str, assignee: &str, after_days: &str) -> RuleInput {
        RuleInput {
            channel_id: 1,
            kind: kind.into(),
            min_total: min_total.into(),
            assignee: assignee.into(),
            after_days: after_days.into(),
        }
    }

    fn field(r: Result<RuleSpec, AppError>) -> String {
        match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let cases = [
            (
                input("assign_abandoned", "lots", "role:sales", ""),
                "min_total",
            ),
            (
                input("assign_abandoned", "-5", "role:sales", ""),
                "min_total",
            ),
            (input("assign_abandoned", "100", "", ""), "assignee"),
            (
                input("assign_abandoned", "100", "role:viewer", ""),
                "assignee",
            ),
            (input("assign_abandoned", "100", "user:x", ""), "assignee"),
            (input("lose_uncontacted", "", "", ""), "after_days"),
            (input("lose_uncontacted", "", "", "3.5"), "after_days"),
            (input("lose_uncontacted", "", "", "0"), "after_days"),
            (input("nonsense", "", "", ""), "kind"),
        ];
        for (form, expected) in cases {
            assert_eq!(field(form.check()), expected, "{form:?}");
        }
        let mut no_channel = input("lose_uncontacted", "", "", "7");
        no_channel.channel_id = 0;
        assert_eq!(field(no_channel.check()), "channel");
    }

    #[test]
    fn a_good_form_gives_its_rule_and_sentence() {
        let spec = input("assign_abandoned", " 100.50 ", "role:sales", "9")
            .check()
            .unwrap();
        assert_eq!(spec.min_total, Some(Decimal::new(10050, 2)));
        assert_eq!(spec.assignee, Some(Assignee::RoundRobin(Role::Sales)));
        assert_eq!(spec.after_days, None, "only the lose rule keeps days");
        assert_eq!(
            spec.describe(Some("Sales (round-robin)")),
            "When a cart becomes abandoned and its total is at least 100.5, assign its follow-up to Sales (round-robin)."
        );
        let lose = input("lose_uncontacted", "", "", "7").check().unwrap();
        assert!(lose.describe(None).contains("no contact for 7 days"));
        let first = input("follow_up_first_orders", "", "user:3", "")
            .check()
            .unwrap();
        assert_eq!(first.assignee, Some(Assignee::User(3)));
        assert_eq!(Assignee::User(3).to_value(), "user:3");
        assert_eq!(
            Assignee::parse("role:administrator"),
            Some(Assignee::RoundRobin(Role::Administrator))
        );
    }
}
