//! Activities: what the team did or must do about a customer, an account, a cart or an order —
//! a call, an email, a note, a task. Logged by people (Sales, Administrator), read by everyone.
//! Nothing here does I/O: the browser renders these types and checks input with them.

use crate::grid::LocalTime;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Email,
    Note,
    Task,
    /// Written by the CRM itself (a follow-up closed by the sync, a rule that fired); never
    /// logged by hand.
    Event,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Note,
        ActivityKind::Task,
        ActivityKind::Event,
    ];

    /// What a person may log.
    pub const LOGGABLE: [ActivityKind; 4] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Note,
        ActivityKind::Task,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Note => "note",
            ActivityKind::Task => "task",
            ActivityKind::Event => "event",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Call => "Call",
            ActivityKind::Email => "Email",
            ActivityKind::Note => "Note",
            ActivityKind::Task => "Task",
            ActivityKind::Event => "Event",
        }
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActivityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown activity kind \"{s}\""))
    }
}

/// The record an activity is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityRecord {
    Customer(i64),
    Account(i64),
    Cart(i64),
    Order(i64),
}

impl ActivityRecord {
    pub fn id(self) -> i64 {
        match self {
            ActivityRecord::Customer(id)
            | ActivityRecord::Account(id)
            | ActivityRecord::Cart(id)
            | ActivityRecord::Order(id) => id,
        }
    }

    /// The record's page.
    pub fn href(self) -> String {
        match self {
            ActivityRecord::Customer(id) => format!("/customers/{id}"),
            ActivityRecord::Account(id) => format!("/accounts/{id}"),
            ActivityRecord::Cart(id) => format!("/carts/{id}"),
            ActivityRecord::Order(id) => format!("/orders/{id}"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    #[default]
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Priority::Low),
            "normal" => Some(Priority::Normal),
            "high" => Some(Priority::High),
            _ => None,
        }
    }
}

/// An activity as the user enters it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewActivity {
    pub kind: Option<ActivityKind>,
    /// A call's or email's subject, a task's title; a note may leave it empty.
    pub subject: String,
    pub body: String,
    /// Calls and emails.
    #[serde(default)]
    pub direction: Direction,
    /// Calls: "reached", "voicemail", "no answer"…
    #[serde(default)]
    pub outcome: String,
    /// Calls, in minutes.
    #[serde(default)]
    pub duration_mins: Option<i32>,
    /// Tasks: `YYYY-MM-DD`, today or later.
    #[serde(default)]
    pub due: String,
    /// Tasks: the user it is for (the author when none).
    #[serde(default)]
    pub assignee: Option<i64>,
    #[serde(default)]
    pub priority: Priority,
}

/// How far ahead a task may be due.
pub const MAX_DUE_YEARS: i32 = 5;

impl NewActivity {
    /// Checks what the form can check; the error names the field. Returns the due date of a
    /// task. `today` is the user's day.
    pub fn validate(&self, today: NaiveDate) -> Result<Option<NaiveDate>, crate::AppError> {
        use crate::AppError;
        let kind = self
            .kind
            .filter(|k| *k != ActivityKind::Event)
            .ok_or_else(|| AppError::invalid("kind", "Choose what to log."))?;
        let subject = self.subject.trim();
        if subject.chars().count() > 200 {
            return Err(AppError::invalid(
                "subject",
                "A subject has at most 200 characters.",
            ));
        }
        if self.body.chars().count() > 10_000 {
            return Err(AppError::invalid(
                "body",
                "A note has at most 10,000 characters.",
            ));
        }
        match kind {
            ActivityKind::Note if self.body.trim().is_empty() => {
                return Err(AppError::invalid("body", "Write the note."));
            }
            ActivityKind::Call | ActivityKind::Email | ActivityKind::Task if subject.is_empty() => {
                return Err(AppError::invalid("subject", "Enter a subject."));
            }
            _ => {}
        }
        if self.outcome.chars().count() > 100 {
            return Err(AppError::invalid(
                "outcome",
                "An outcome has at most 100 characters.",
            ));
        }
        if let Some(m) = self.duration_mins
            && !(0..=24 * 60).contains(&m)
        {
            return Err(AppError::invalid(
                "duration",
                "Enter a duration of 0 to 1440 minutes.",
            ));
        }
        if kind != ActivityKind::Task {
            return Ok(None);
        }
        due_date(self.due.trim(), today, "due").map(Some)
    }
}

/// A day from today to [`MAX_DUE_YEARS`] on, typed as `YYYY-MM-DD` (a task's due date, a
/// follow-up's next contact, an opportunity's close date). The error names `field`.
pub fn due_date(text: &str, today: NaiveDate, field: &str) -> Result<NaiveDate, crate::AppError> {
    use crate::AppError;
    let due = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "Enter the date as YYYY-MM-DD."))?;
    if due < today {
        return Err(AppError::invalid(
            field,
            "The date has passed: choose today or a later day.",
        ));
    }
    let limit = today
        .with_year(today.year() + MAX_DUE_YEARS)
        .unwrap_or(today);
    if due > limit {
        return Err(AppError::invalid(
            field,
            format!("Choose a date within {MAX_DUE_YEARS} years."),
        ));
    }
    Ok(due)
}

use chrono::Datelike;

/// An activity as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub kind: ActivityKind,
    pub record: ActivityRecord,
    /// The record in words ("Cart 1234", "Ann Lee").
    pub record_label: String,
    pub subject: String,
    pub body: String,
    pub direction: Option<Direction>,
    pub outcome: Option<String>,
    pub duration_mins: Option<i32>,
    #[serde(with = "crate::wire::time_option")]
    pub due: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub assignee_id: Option<i64>,
    pub priority: Option<Priority>,
    pub author: Option<String>,
    pub created_at: Option<LocalTime>,
    pub done_at: Option<LocalTime>,
    /// A task closed by the CRM, and why ("The shopper placed the order.").
    #[serde(default)]
    pub cancelled_reason: Option<String>,
}

impl ActivityView {
    /// "Outbound call · reached · 5 min".
    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        match self.kind {
            ActivityKind::Call | ActivityKind::Email => {
                let dir = match self.direction {
                    Some(Direction::Inbound) => "Inbound",
                    _ => "Outbound",
                };
                parts.push(format!("{dir} {}", self.kind.as_str()));
            }
            k => parts.push(k.label().to_owned()),
        }
        if let Some(o) = self.outcome.as_deref().filter(|o| !o.is_empty()) {
            parts.push(o.to_owned());
        }
        if let Some(m) = self.duration_mins {
            parts.push(format!("{m} min"));
        }
        if let Some(d) = self.due {
            parts.push(format!("due {}", crate::dates::day_month_year(d)));
        }
        if let Some(p) = self.priority.filter(|p| *p != Priority::Normal) {
            parts.push(format!("{} priority", p.as_str()));
        }
        parts.join(" · ")
    }
}

/// A user's open tasks, by when they are due (in the user's day).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTasks {
    pub overdue: Vec<ActivityView>,
    pub today: Vec<ActivityView>,
    pub upcoming: Vec<ActivityView>,
}

impl MyTasks {
    /// Splits open tasks (sorted by due date) by `today`.
    pub fn split(tasks: Vec<ActivityView>, today: NaiveDate) -> MyTasks {
        let mut out = MyTasks::default();
        for t in tasks {
            match t.due {
                Some(d) if d < today => out.overdue.push(t),
                Some(d) if d == today => out.today.push(t),
                _ => out.upcoming.push(t),
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.today.is_empty() && self.upcoming.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn task(due: &str) -> NewActivity {
        NewActivity {
            kind: Some(ActivityKind::Task),
            subject: "Call back".into(),
            due: due.into(),
            ..NewActivity::default()
        }
    }

    fn field_of(a: &NewActivity) -> String {
        match a.validate(today()) {
            Err(crate::AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tasks_need_a_due_date_from_today_to_five_years_on() {
        assert_eq!(task("2026-12-04").validate(today()).unwrap(), Some(today()));
        assert_eq!(field_of(&task("2026-12-03")), "due");
        assert_eq!(field_of(&task("99999-01-01")), "due");
        assert_eq!(field_of(&task("2032-01-01")), "due");
        assert_eq!(field_of(&task("tomorrow")), "due");
        assert!(task("2031-12-04").validate(today()).is_ok());
    }

    #[test]
    fn each_kind_needs_what_makes_it_useful() {
        let mut call = NewActivity {
            kind: Some(ActivityKind::Call),
            ..NewActivity::default()
        };
        assert_eq!(field_of(&call), "subject");
        call.subject = "Asked about the cart".into();
        call.duration_mins = Some(5000);
        assert_eq!(field_of(&call), "duration");
        call.duration_mins = Some(5);
        assert_eq!(call.validate(today()).unwrap(), None);
        let note = NewActivity {
            kind: Some(ActivityKind::Note),
            ..NewActivity::default()
        };
        assert_eq!(field_of(&note), "body");
        assert_eq!(field_of(&NewActivity::default()), "kind");
        let long = NewActivity {
            kind: Some(ActivityKind::Email),
            subject: "x".repeat(10_000),
            ..NewActivity::default()
        };
        assert_eq!(field_of(&long), "subject");
    }

    #[test]
    fn open_tasks_split_by_the_users_day() {
        let view = |due| ActivityView {
            id: 1,
            kind: ActivityKind::Task,
            record: ActivityRecord::Cart(1),
            record_label: "Cart 1".into(),
            subject: "s".into(),
            body: String::new(),
            direction: None,
            outcome: None,
            duration_mins: None,
            due: Some(due),
            assignee: None,
            assignee_id: None,
            priority: Some(Priority::High),
            author: None,
            created_at: None,
            done_at: None,
            cancelled_reason: None,
        };
        let split = MyTasks::split(
            vec![
                view(today().pred_opt().unwrap()),
                view(today()),
                view(today().succ_opt().unwrap()),
            ],
            today(),
        );
        assert_eq!(
            (split.overdue.len(), split.today.len(), split.upcoming.len()),
            (1, 1, 1)
        );
        assert!(split.today[0].headline().contains("high priority"));
    }
}

/// Something that happened to a record that nobody logged: a store action on it, or what the
/// sync saw (created in the store, a status change, a record the sync could not read). The
/// record's timeline merges these with its activities in time order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: LocalTime,
    /// `store_action` or `sync`.
    pub source: String,
    pub title: String,
    pub detail: String,
    /// `success`, `danger`, `warning`, `info`, `neutral`.
    pub tone: String,
}

/// One line of a record's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimelineLine<'a> {
    Activity(&'a ActivityView),
    Event(&'a TimelineEvent),
}

/// Activities and events, newest first (an activity without a time goes last).
pub fn merge_timeline<'a>(
    activities: &'a [ActivityView],
    events: &'a [TimelineEvent],
) -> Vec<TimelineLine<'a>> {
    let mut lines: Vec<(Option<chrono::DateTime<chrono::Utc>>, TimelineLine<'a>)> = activities
        .iter()
        .map(|a| {
            (
                a.created_at.as_ref().map(|t| t.utc),
                TimelineLine::Activity(a),
            )
        })
        .chain(
            events
                .iter()
                .map(|e| (Some(e.at.utc), TimelineLine::Event(e))),
        )
        .collect();
    // Stable: equal times keep activities (already newest first) before events.
    lines.sort_by_key(|l| std::cmp::Reverse(l.0));
    lines.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod timeline_tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn at(h: u32) -> LocalTime {
        let utc = Utc.with_ymd_and_hms(2026, 12, 5, h, 0, 0).unwrap();
        LocalTime {
            utc,
            local: utc.naive_utc(),
        }
    }

    #[test]
    fn activities_and_events_interleave_newest_first() {
        let activity = |id, h| ActivityView {
            id,
            kind: ActivityKind::Note,
            record: ActivityRecord::Cart(1),
            record_label: String::new(),
            subject: String::new(),
            body: "n".into(),
            direction: None,
            outcome: None,
            duration_mins: None,
            due: None,
            assignee: None,
            assignee_id: None,
            priority: None,
            author: None,
            created_at: Some(at(h)),
            done_at: None,
            cancelled_reason: None,
        };
        let event = |h, title: &str| TimelineEvent {
            at: at(h),
            source: "sync".into(),
            title: title.into(),
            detail: String::new(),
            tone: "info".into(),
        };
        let acts = [activity(2, 9), activity(1, 5)];
        let events = [
            event(10, "purchased"),
            event(7, "changed"),
            event(1, "created"),
        ];
        let order: Vec<String> = merge_timeline(&acts, &events)
            .into_iter()
            .map(|l| match l {
                TimelineLine::Activity(a) => format!("a{}", a.id),
                TimelineLine::Event(e) => e.title.clone(),
            })
            .collect();
        assert_eq!(order, ["purchased", "a2", "changed", "a1", "created"]);
    }
}
