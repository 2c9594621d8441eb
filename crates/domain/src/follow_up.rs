//! Follow-ups: the work a team does about an abandoned cart (claim, contact, close) and about a
//! new order (ask for feedback). The step is kept apart from the cart's status, as the seed
//! product documented ("a cart at the step Contacted can still be Open"); the two move together
//! only where a decision is the user's: Lost and Converted to opportunity are sticky statuses
//! (product.md §3) set by closing the follow-up that way, and Reopen returns both.
//!
//! [`apply`] is the whole state machine; the store runs it inside the transaction that locks
//! the follow-up, and its table test is the specification. Purchase and expiry arrive from the
//! sync: the store's trigger applies the same rows (store tests check they agree).

use crate::CartStatus;
use crate::grid::LocalTime;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a cart's follow-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    NotContacted,
    Contacted,
    WonBack,
    Lost,
    Opportunity,
    Expired,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::NotContacted,
        Step::Contacted,
        Step::WonBack,
        Step::Lost,
        Step::Opportunity,
        Step::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::NotContacted => "not_contacted",
            Step::Contacted => "contacted",
            Step::WonBack => "won_back",
            Step::Lost => "lost",
            Step::Opportunity => "opportunity",
            Step::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::NotContacted => "Not contacted",
            Step::Contacted => "Contacted",
            Step::WonBack => "Won back",
            Step::Lost => "Lost",
            Step::Opportunity => "Converted to opportunity",
            Step::Expired => "Expired",
        }
    }

    /// Open steps are worked; closed ones only reopen.
    pub fn is_open(self) -> bool {
        matches!(self, Step::NotContacted | Step::Contacted)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Step {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Step::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown follow-up step \"{s}\""))
    }
}

/// What happens to a cart's follow-up: a user's action, or what the sync saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A rep takes the cart (becomes its owner).
    Claim,
    /// The owner gives it back.
    Release,
    /// A call or an email was logged.
    Contact,
    /// Closed by a user: the shopper ordered (another cart, the phone).
    WonBack,
    /// Closed by a user with a reason; the cart becomes Lost.
    Lost,
    /// Closed by a user into an opportunity; the cart becomes Converted to opportunity.
    Opportunity,
    /// A user reopens a closed follow-up (and a Lost or Converted cart).
    Reopen,
    /// The sync saw the cart's order.
    Purchased,
    /// The sync saw the cart expire (it left the store, or outlived the channel's lifetime).
    CartExpired,
}

impl Event {
    pub const ALL: [Event; 9] = [
        Event::Claim,
        Event::Release,
        Event::Contact,
        Event::WonBack,
        Event::Lost,
        Event::Opportunity,
        Event::Reopen,
        Event::Purchased,
        Event::CartExpired,
    ];
}

/// What the cart's status becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusChange {
    Keep,
    Set(CartStatus),
    /// The status the rules give without the user's decision (Purchased, Expired or Open):
    /// the store computes it from the cart.
    Recompute,
}

/// The outcome of an event that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// `None`: the cart has (still) no follow-up.
    pub step: Option<Step>,
    pub status: StatusChange,
}

/// `apply(step, status, event)`: the follow-up's new step and the cart's status, or why not
/// (a sentence for the user). `step` is `None` when the cart has no follow-up yet; `contacted`
/// says whether it was ever contacted (Reopen goes back to Contacted, else Not contacted).
pub fn apply(
    step: Option<Step>,
    status: CartStatus,
    contacted: bool,
    event: Event,
) -> Result<Transition, &'static str> {
    use CartStatus as S;
    let to = |step: Step, status: StatusChange| {
        Ok(Transition {
            step: Some(step),
            status,
        })
    };
    let unchanged = Ok(Transition {
        step,
        status: StatusChange::Keep,
    });
    let closed = step.is_some_and(|s| !s.is_open());
    match event {
        // What the sync saw: open follow-ups close; closed or absent ones stay as they are.
        Event::Purchased => match step {
            Some(s) if s.is_open() => to(Step::WonBack, StatusChange::Keep),
            _ => unchanged,
        },
        Event::CartExpired => match step {
            Some(s) if s.is_open() => to(Step::Expired, StatusChange::Keep),
            _ => unchanged,
        },
        Event::Reopen => match step {
            None => Err("This cart has no follow-up to reopen."),
            Some(s) if s.is_open() => Err("This follow-up is already open."),
            Some(_) if status == S::Purchased => {
                Err("The shopper bought this cart: its follow-up stays closed.")
            }
            Some(Step::Expired) if status != S::Open => {
                Err("The cart expired: there is nothing to follow up until the shopper comes back.")
            }
            Some(_) => to(
                if contacted {
                    Step::Contacted
                } else {
                    Step::NotContacted
                },
                if status.is_sticky() {
                    StatusChange::Recompute
                } else {
                    StatusChange::Keep
                },
            ),
        },
        // Every user action below works an open follow-up of an open cart.
        _ if closed => Err("This follow-up is closed: reopen it first."),
        _ if status == S::Purchased => Err("The shopper already bought this cart."),
        Event::Release => match step {
            None => Err("Nobody has claimed this cart."),
            Some(_) => unchanged,
        },
        _ if status != S::Open && status != S::Expired => {
            Err("Only open or expired carts are followed up.")
        }
        Event::Claim | Event::Contact if status == S::Expired => {
            Err("The cart expired: there is nothing to follow up until the shopper comes back.")
        }
        Event::Claim => Ok(Transition {
            step: Some(step.unwrap_or(Step::NotContacted)),
            status: StatusChange::Keep,
        }),
        Event::Contact => to(Step::Contacted, StatusChange::Keep),
        Event::WonBack => to(Step::WonBack, StatusChange::Keep),
        Event::Lost => to(Step::Lost, StatusChange::Set(S::Lost)),
        Event::Opportunity => to(
            Step::Opportunity,
            StatusChange::Set(S::ConvertedToOpportunity),
        ),
    }
}

/// What a user does to a cart's follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CartAction {
    Claim,
    Release,
    Contact(Contact),
    WonBack { note: String },
    Lost { reason: String },
    Opportunity(OpportunityForm),
    Reopen,
}

impl CartAction {
    pub fn event(&self) -> Event {
        match self {
            CartAction::Claim => Event::Claim,
            CartAction::Release => Event::Release,
            CartAction::Contact(_) => Event::Contact,
            CartAction::WonBack { .. } => Event::WonBack,
            CartAction::Lost { .. } => Event::Lost,
            CartAction::Opportunity(_) => Event::Opportunity,
            CartAction::Reopen => Event::Reopen,
        }
    }
}

/// How a contact went, as the rep logs it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// `call` or `email`.
    pub channel: ContactChannel,
    /// "reached", "voicemail", "no answer", "will order"…
    pub outcome: String,
    pub note: String,
    /// `YYYY-MM-DD`: the next contact, which becomes a task for the owner. Empty: none.
    #[serde(default)]
    pub next_on: String,
    /// The timeline's subject for this contact (an email sent from the CRM: its subject).
    /// Empty: "Follow-up on cart N".
    #[serde(default)]
    pub subject: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    #[default]
    Call,
    Email,
}

impl ContactChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Call => "call",
            ContactChannel::Email => "email",
        }
    }
}

impl Contact {
    /// Checks the form; returns the next date. `today` is the user's day.
    pub fn validate(&self, today: NaiveDate) -> Result<Option<NaiveDate>, crate::AppError> {
        use crate::AppError;
        if self.outcome.trim().is_empty() {
            return Err(AppError::invalid("outcome", "Say how the contact went."));
        }
        if self.outcome.chars().count() > 100 {
            return Err(AppError::invalid(
                "outcome",
                "An outcome has at most 100 characters.",
            ));
        }
        if self.note.chars().count() > 10_000 {
            return Err(AppError::invalid(
                "note",
                "A note has at most 10,000 characters.",
            ));
        }
        if self.next_on.trim().is_empty() {
            return Ok(None);
        }
        crate::activities::due_date(self.next_on.trim(), today, "next_on").map(Some)
    }
}

/// The reason a follow-up is closed as Lost (free text, required).
pub fn check_lost_reason(reason: &str) -> Result<&str, crate::AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(crate::AppError::invalid(
            "reason",
            "Say why the cart is lost.",
        ));
    }
    if reason.chars().count() > 200 {
        return Err(crate::AppError::invalid(
            "reason",
            "A reason has at most 200 characters.",
        ));
    }
    Ok(reason)
}

/// A cart's follow-up as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartFollowUp {
    pub step: Step,
    pub owner: Option<String>,
    pub owner_id: Option<i64>,
    pub claimed_at: Option<LocalTime>,
    pub contacted_times: i32,
    pub last_contacted_at: Option<LocalTime>,
    pub lost_reason: Option<String>,
    pub opportunity: Option<(i64, String)>,
    pub closed_at: Option<LocalTime>,
    /// `user`, `sync` or `rule`.
    pub closed_by: Option<String>,
}

/// Opportunity stages, in order, with their default probability.
pub const STAGES: &[(&str, &str, i16)] = &[
    ("qualify", "Qualify", 10),
    ("develop", "Develop", 30),
    ("proposal", "Proposal", 60),
    ("negotiation", "Negotiation", 80),
    ("won", "Closed won", 100),
    ("lost", "Closed lost", 0),
];

pub fn stage_label(stage: &str) -> &'static str {
    STAGES
        .iter()
        .find(|(v, ..)| *v == stage)
        .map(|(_, l, _)| *l)
        .unwrap_or("Unknown")
}

/// An opportunity as the user enters it (converting a cart, or editing one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityForm {
    pub name: String,
    pub owner: Option<i64>,
    /// Decimal text; empty: none.
    pub budget: String,
    /// `YYYY-MM-DD`; empty: none.
    pub close_on: String,
    pub stage: String,
    /// 0–100; empty: the stage's default.
    pub probability: String,
    pub notes: String,
}

/// An opportunity's fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpportunityInput {
    pub name: String,
    pub budget: Option<Decimal>,
    pub close_on: Option<NaiveDate>,
    pub stage: &'static str,
    pub probability: i16,
    pub notes: String,
}

impl OpportunityForm {
    pub fn validate(&self, today: NaiveDate) -> Result<OpportunityInput, crate::AppError> {
        use crate::AppError;
        let name = self.name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Name the opportunity."));
        }
        if name.chars().count() > 200 {
            return Err(AppError::invalid(
                "name",
                "A name has at most 200 characters.",
            ));
        }
        let budget = match self.budget.trim() {
            "" => None,
            text => {
                let b: Decimal = text.replace(',', "").parse().map_err(|_| {
                    AppError::invalid("budget", "Enter the budget as a number, like 129.90.")
                })?;
                if b.is_sign_negative() || b > Decimal::from(1_000_000_000_000i64) {
                    return Err(AppError::invalid(
                        "budget",
                        "Enter a budget from 0 to 1,000,000,000,000.",
                    ));
                }
                Some(b.round_dp(4))
            }
        };
        let close_on = match self.close_on.trim() {
            "" => None,
            // A past close date is a fact (a won or lost opportunity), not a mistake.
            text => Some(
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (d.year() - today.year()).abs() <= crate::activities::MAX_DUE_YEARS)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "close_on",
                            "Enter a close date as YYYY-MM-DD, within 5 years of today.",
                        )
                    })?,
            ),
        };
        let stage = STAGES
            .iter()
            .find(|(v, ..)| *v == self.stage.trim())
            .or_else(|| self.stage.trim().is_empty().then_some(&STAGES[0]))
            .ok_or_else(|| AppError::invalid("stage", "Choose a stage."))?;
        let probability = match self.probability.trim().trim_end_matches('%') {
            "" => stage.2,
            text => text
                .parse::<i16>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| {
                    AppError::invalid("probability", "Enter a probability from 0 to 100.")
                })?,
        };
        if self.notes.chars().count() > 10_000 {
            return Err(AppError::invalid(
                "notes",
                "Notes have at most 10,000 characters.",
            ));
        }
        Ok(OpportunityInput {
            name: name.to_owned(),
            budget,
            close_on,
            stage: stage.0,
            probability,
            notes: self.notes.trim().to_owned(),
        })
    }
}

/// An order's follow-up, as the order page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFollowUp {
    /// Why the order has one: `first_order` or `order_total`.
    pub reason: String,
    pub contacted: bool,
    pub rating: Option<i16>,
    pub feedback: Option<String>,
    pub contacted_at: Option<LocalTime>,
    pub contacted_by: Option<String>,
}

/// Feedback as the rep records it: a rating 1–5 and what the customer said.
pub fn check_feedback(rating: i16, feedback: &str) -> Result<&str, crate::AppError> {
    if !(1..=5).contains(&rating) {
        return Err(crate::AppError::invalid(
            "rating",
            "Rate from 1 (unhappy) to 5 (delighted).",
        ));
    }
    let feedback = feedback.trim();
    if feedback.chars().count() > 10_000 {
        return Err(crate::AppError::invalid(
            "feedback",
            "Feedback has at most 10,000 characters.",
        ));
    }
    Ok(feedback)
}

#[cfg(test)]
mod tests;

/// An opportunity's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityDetail {
    pub id: i64,
    pub channel: String,
    pub name: String,
    pub cart: Option<(i64, i64)>,
    pub customer: Option<(i64, String)>,
    pub owner: Option<(i64, String)>,
    #[serde(with = "crate::wire::decimal_option")]
    pub budget: Option<Decimal>,
    pub currency: Option<String>,
    #[serde(with = "crate::wire::time_option")]
    pub close_on: Option<NaiveDate>,
    pub stage: String,
    pub probability: i16,
    pub notes: String,
    pub created_by: Option<String>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
}
