//! The state of a grid as its URL carries it, typed. `to_pairs` is the one canonical way back to
//! URL parameters: every link a grid draws (sort, page, filter removal) goes through it.

use super::field::{FilterKind, GridField};
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The page sizes a user may choose.
pub const PER_PAGE_CHOICES: [u32; 4] = [25, 50, 100, 200];
pub const DEFAULT_PER_PAGE: u32 = 50;

/// Parameters of the grid itself; no field may use these keys.
pub const RESERVED_KEYS: &[&str] = &["page", "per_page", "sort", "cols", "view", "tab"];

/// A sort column and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "F: GridField")]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

impl<F: GridField> Sort<F> {
    pub const fn asc(field: F) -> Self {
        Sort {
            field,
            descending: false,
        }
    }

    pub const fn desc(field: F) -> Self {
        Sort {
            field,
            descending: true,
        }
    }

    /// `created_at` or `-created_at`.
    pub fn to_param(self) -> String {
        let key = self.field.key();
        if self.descending {
            format!("-{key}")
        } else {
            key.to_string()
        }
    }
}

/// Rolling date ranges: a saved view "last 7 days" stays the last 7 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePreset {
    Today,
    Last7Days,
    Last30Days,
    ThisMonth,
}

impl DatePreset {
    pub const ALL: [DatePreset; 4] = [
        DatePreset::Today,
        DatePreset::Last7Days,
        DatePreset::Last30Days,
        DatePreset::ThisMonth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DatePreset::Today => "today",
            DatePreset::Last7Days => "last_7_days",
            DatePreset::Last30Days => "last_30_days",
            DatePreset::ThisMonth => "this_month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DatePreset::Today => "Today",
            DatePreset::Last7Days => "Last 7 days",
            DatePreset::Last30Days => "Last 30 days",
            DatePreset::ThisMonth => "This month",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        DatePreset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The days covered, both included, when the user's today is `today`.
    pub fn range(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            DatePreset::Today => (today, today),
            // "Last 7 days" includes today, as in Magento's and most CRMs' reports.
            DatePreset::Last7Days => (today - Duration::days(6), today),
            DatePreset::Last30Days => (today - Duration::days(29), today),
            DatePreset::ThisMonth => (today.with_day(1).unwrap_or(today), today),
        }
    }
}

/// What a filter asks of its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// Contains, case-insensitive (the text is matched literally: `%` and `_` are not wildcards).
    Contains(String),
    /// Equals, case-insensitive.
    Equals(String),
    /// One of these values.
    AnyOf(Vec<String>),
    /// Between, both ends included; at least one end is set.
    Range {
        #[serde(with = "crate::wire::decimal_option")]
        min: Option<Decimal>,
        #[serde(with = "crate::wire::decimal_option")]
        max: Option<Decimal>,
    },
    /// Whole days in the user's zone, both ends included. A preset's days are resolved when the
    /// query is parsed; the preset is kept so links and saved views stay rolling.
    Dates {
        #[serde(with = "crate::wire::time_option")]
        from: Option<NaiveDate>,
        #[serde(with = "crate::wire::time_option")]
        to: Option<NaiveDate>,
        preset: Option<DatePreset>,
    },
    Is(bool),
    Id(i64),
}

/// One field's condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "F: GridField")]
pub struct Filter<F> {
    pub field: F,
    pub condition: Condition,
}

/// Everything a grid's URL says: validated, typed, complete (defaults filled in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "F: GridField")]
pub struct GridQuery<F> {
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
    pub sort: Sort<F>,
    /// Visible columns, in order.
    pub columns: Vec<F>,
    /// The saved view this state came from, if any.
    pub view: Option<i64>,
    /// At most one per field, in the grid's field order.
    pub filters: Vec<Filter<F>>,
}

impl<F: GridField> Default for GridQuery<F> {
    fn default() -> Self {
        GridQuery {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            sort: F::DEFAULT_SORT,
            columns: F::default_columns(),
            view: None,
            filters: Vec::new(),
        }
    }
}

impl<F: GridField> GridQuery<F> {
    /// Rows to skip for this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    pub fn condition(&self, field: F) -> Option<&Condition> {
        self.filters
            .iter()
            .find(|f| f.field == field)
            .map(|f| &f.condition)
    }

    /// Filters the user can see and remove (not the ones a record page fixes).
    pub fn is_filtered_except(&self, fixed: &[&str]) -> bool {
        self.filters.iter().any(|f| !fixed.contains(&f.field.key()))
    }

    /// Sets (or, with `None`, removes) a field's filter; keeps the field order.
    pub fn set_filter(&mut self, field: F, condition: Option<Condition>) {
        self.filters.retain(|f| f.field != field);
        if let Some(condition) = condition {
            self.filters.push(Filter { field, condition });
            let order = |f: &Filter<F>| F::ALL.iter().position(|x| *x == f.field);
            self.filters.sort_by_key(order);
        }
    }

    /// The last page that has rows (1 when there are none).
    pub fn last_page(&self, total: i64) -> u32 {
        let per = i64::from(self.per_page.max(1));
        (((total.max(0) + per - 1) / per).max(1)).min(i64::from(u32::MAX)) as u32
    }

    // Every change but the page leaves the saved view: the state is no longer the view's (a
    // link keeping `view=` would bring the view's filters back, see the view merge rule).

    pub fn with_page(&self, page: u32) -> Self {
        GridQuery {
            page: page.max(1),
            ..self.clone()
        }
    }

    pub fn with_per_page(&self, per_page: u32) -> Self {
        GridQuery {
            page: 1,
            per_page,
            view: None,
            ..self.clone()
        }
    }

    /// Sorted by `field`: descending first for numbers and dates, ascending for text; a second
    /// click on the current sort column reverses it.
    pub fn with_sort(&self, field: F) -> Self {
        let descending = if self.sort.field == field {
            !self.sort.descending
        } else {
            field.def().numeric
                || matches!(
                    field.def().filter,
                    Some(FilterKind::Date) | Some(FilterKind::Bool)
                )
        };
        GridQuery {
            page: 1,
            sort: Sort { field, descending },
            view: None,
            ..self.clone()
        }
    }

    pub fn without_filter(&self, field: F) -> Self {
        let mut q = GridQuery {
            page: 1,
            view: None,
            ..self.clone()
        };
        q.set_filter(field, None);
        q
    }

    pub fn with_columns(&self, columns: Vec<F>) -> Self {
        GridQuery {
            columns,
            view: None,
            ..self.clone()
        }
    }

    /// The URL parameters of this state, defaults left out, in a stable order.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: String, v: String| out.push((k, v));
        if let Some(view) = self.view {
            push("view".into(), view.to_string());
        }
        for filter in &self.filters {
            let key = filter.field.key();
            match &filter.condition {
                Condition::Contains(text) => push(key.into(), text.clone()),
                Condition::Equals(text) => push(format!("{key}_eq"), text.clone()),
                Condition::AnyOf(values) => push(key.into(), values.join(",")),
                Condition::Range { min, max } => {
                    if let Some(min) = min {
                        push(format!("{key}_min"), min.normalize().to_string());
                    }
                    if let Some(max) = max {
                        push(format!("{key}_max"), max.normalize().to_string());
                    }
                }
                Condition::Dates {
                    preset: Some(p), ..
                } => push(format!("{key}_preset"), p.as_str().into()),
                Condition::Dates { from, to, .. } => {
                    if let Some(from) = from {
                        push(format!("{key}_min"), crate::dates::iso(*from));
                    }
                    if let Some(to) = to {
                        push(format!("{key}_max"), crate::dates::iso(*to));
                    }
                }
                Condition::Is(value) => push(key.into(), value.to_string()),
                Condition::Id(id) => push(key.into(), id.to_string()),
            }
        }
        if self.sort != F::DEFAULT_SORT {
            push("sort".into(), self.sort.to_param());
        }
        if self.columns != F::default_columns() {
            let keys: Vec<&str> = self.columns.iter().map(|c| c.key()).collect();
            push("cols".into(), keys.join(","));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            push("per_page".into(), self.per_page.to_string());
        }
        if self.page > 1 {
            push("page".into(), self.page.to_string());
        }
        out
    }
}
