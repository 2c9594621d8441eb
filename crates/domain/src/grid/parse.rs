//! Reads a grid's URL parameters into a [`GridQuery`], or says precisely which parameter is
//! wrong. Unknown parameters are ignored (tracking tags, links from older versions); a known one
//! with a bad value is an error naming it, never a silent guess.

use super::field::{FilterKind, GridField};
use super::query::{
    Condition, DEFAULT_PER_PAGE, DatePreset, Filter, GridQuery, PER_PAGE_CHOICES, Sort,
};
use crate::AppError;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Longest search text accepted, in characters.
pub const MAX_TEXT_LEN: usize = 200;
/// Most values a multi-choice filter accepts.
const MAX_VALUES: usize = 50;
/// Deepest page: beyond it nobody is paging, and OFFSET costs grow with it.
const MAX_PAGE: u32 = 100_000;

/// Parses decoded URL parameters (repeated keys allowed: a form's checkboxes send one each).
/// `today` is the user's date, for rolling date presets.
pub fn parse<F: GridField>(
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<GridQuery<F>, AppError> {
    let params = Params::new(pairs);
    let mut query = GridQuery::<F>::default();

    if let Some(page) = params.last("page") {
        query.page = page
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| {
                invalid(
                    "page",
                    format!("The page must be a whole number from 1 to {MAX_PAGE}."),
                )
            })?;
    }
    if let Some(per_page) = params.last("per_page") {
        query.per_page = per_page
            .parse::<u32>()
            .ok()
            .filter(|p| PER_PAGE_CHOICES.contains(p))
            .ok_or_else(|| invalid("per_page", "Rows per page must be 25, 50, 100 or 200."))?;
    } else {
        query.per_page = DEFAULT_PER_PAGE;
    }
    if let Some(sort) = params.last("sort") {
        let (key, descending) = match sort.strip_prefix('-') {
            Some(key) => (key, true),
            None => (sort, false),
        };
        let field = F::from_key(key)
            .filter(|f| f.def().sortable)
            .ok_or_else(|| {
                invalid(
                    "sort",
                    format!("This grid cannot be sorted by “{}”.", shorten(key)),
                )
            })?;
        query.sort = Sort { field, descending };
    }
    let columns: Vec<F> = params
        .list("cols")
        .filter_map(|key| F::from_key(key))
        .filter(|f| f.def().column)
        .fold(Vec::new(), |mut acc, f| {
            if !acc.contains(&f) {
                acc.push(f);
            }
            acc
        });
    // Unknown column keys are dropped (a view saved before a column was renamed still opens).
    if !columns.is_empty() {
        query.columns = columns;
    }
    if let Some(view) = params.last("view") {
        query.view = Some(
            view.parse::<i64>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| invalid("view", "This saved view does not exist."))?,
        );
    }
    for field in F::ALL {
        let def = field.def();
        let Some(kind) = def.filter else { continue };
        if let Some(condition) = condition(&params, def.key, def.label, kind, today)? {
            query.filters.push(Filter {
                field: *field,
                condition,
            });
        }
    }
    Ok(query)
}

fn condition(
    params: &Params,
    key: &str,
    label: &str,
    kind: FilterKind,
    today: NaiveDate,
) -> Result<Option<Condition>, AppError> {
    Ok(match kind {
        FilterKind::Text => {
            let eq = format!("{key}_eq");
            // The filter panel's "equals" choice (`key_match=eq`) turns `key=` into `key_eq=`,
            // so the panel works as a plain HTML form.
            let exact = params.last(&format!("{key}_match")) == Some("eq");
            if let Some(text) = params.last(&eq) {
                Some(Condition::Equals(text_value(&eq, label, text)?))
            } else if let Some(text) = params.last(key) {
                let text = text_value(key, label, text)?;
                Some(if exact {
                    Condition::Equals(text)
                } else {
                    Condition::Contains(text)
                })
            } else {
                None
            }
        }
        FilterKind::Choice(choices) => {
            let mut values = Vec::new();
            for raw in params.list(key) {
                let value = raw.to_ascii_lowercase();
                let Some(choice) = choices.iter().find(|c| c.value == value) else {
                    let accepted: Vec<&str> = choices.iter().map(|c| c.value).collect();
                    return Err(invalid(
                        key,
                        format!(
                            "{label}: “{}” is not one of {}.",
                            shorten(raw),
                            accepted.join(", ")
                        ),
                    ));
                };
                if !values.iter().any(|v| v == choice.value) {
                    values.push(choice.value.to_string());
                }
            }
            (!values.is_empty()).then_some(Condition::AnyOf(values))
        }
        FilterKind::Values => {
            let mut values: Vec<String> = Vec::new();
            for raw in params.list(key) {
                let value = text_value(key, label, raw)?;
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            if values.len() > MAX_VALUES {
                return Err(invalid(
                    key,
                    format!("{label}: choose at most {MAX_VALUES} values."),
                ));
            }
            (!values.is_empty()).then_some(Condition::AnyOf(values))
        }
        FilterKind::Number => {
            let min = number(params, &format!("{key}_min"), label)?;
            let max = number(params, &format!("{key}_max"), label)?;
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(invalid(
                    format!("{key}_min"),
                    format!("{label}: the minimum is greater than the maximum."),
                ));
            }
            (min.is_some() || max.is_some()).then_some(Condition::Range { min, max })
        }
        FilterKind::Date => {
            let preset_key = format!("{key}_preset");
            if let Some(raw) = params.last(&preset_key)
                && raw != "custom"
            {
                let preset = DatePreset::parse(raw).ok_or_else(|| {
                    invalid(
                        &preset_key,
                        format!("{label}: choose today, last_7_days, last_30_days or this_month."),
                    )
                })?;
                let (from, to) = preset.range(today);
                return Ok(Some(Condition::Dates {
                    from: Some(from),
                    to: Some(to),
                    preset: Some(preset),
                }));
            }
            let from = date(params, &format!("{key}_min"), label)?;
            let to = date(params, &format!("{key}_max"), label)?;
            if let (Some(a), Some(b)) = (from, to)
                && a > b
            {
                return Err(invalid(
                    format!("{key}_min"),
                    format!("{label}: the start date is after the end date."),
                ));
            }
            (from.is_some() || to.is_some()).then_some(Condition::Dates {
                from,
                to,
                preset: None,
            })
        }
        FilterKind::Bool => match params.last(key) {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("true") => Some(Condition::Is(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(Condition::Is(false)),
            Some(_) => return Err(invalid(key, format!("{label}: use true or false."))),
        },
        FilterKind::Id | FilterKind::Channel | FilterKind::Website => match params.last(key) {
            None => None,
            Some(v) => Some(Condition::Id(
                v.parse::<i64>().ok().filter(|id| *id >= 0).ok_or_else(|| {
                    invalid(key, format!("{label}: “{}” is not a valid id.", shorten(v)))
                })?,
            )),
        },
    })
}

/// A search text: trimmed, not too long, without characters Postgres cannot store.
fn text_value(key: &str, label: &str, raw: &str) -> Result<String, AppError> {
    let text = raw.trim();
    if text.chars().count() > MAX_TEXT_LEN {
        return Err(invalid(
            key,
            format!("{label}: the search text is too long (at most {MAX_TEXT_LEN} characters)."),
        ));
    }
    if text.contains('\0') {
        return Err(invalid(
            key,
            format!("{label}: the search text contains a null character."),
        ));
    }
    Ok(text.to_string())
}

fn number(params: &Params, key: &str, label: &str) -> Result<Option<Decimal>, AppError> {
    let Some(raw) = params.last(key) else {
        return Ok(None);
    };
    // numeric(19,4) holds 15 integer digits: larger bounds are refused rather than overflowing.
    let limit = Decimal::from(1_000_000_000_000_000i64);
    raw.replace(',', "")
        .parse::<Decimal>()
        .ok()
        .filter(|d| raw.len() <= 32 && d.abs() < limit)
        .map(Some)
        .ok_or_else(|| invalid(key, format!("{label}: “{}” is not a number.", shorten(raw))))
}

fn date(params: &Params, key: &str, label: &str) -> Result<Option<NaiveDate>, AppError> {
    let Some(raw) = params.last(key) else {
        return Ok(None);
    };
    crate::dates::parse_iso(raw)
        .filter(|d| (1900..=2999).contains(&d.year()) && raw.len() == 10)
        .map(Some)
        .ok_or_else(|| {
            invalid(
                key,
                format!("{label}: enter a date as YYYY-MM-DD (for example 2026-11-26)."),
            )
        })
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message)
}

/// Echoes a bit of bad input in a message without echoing 10 KB of it.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

/// Parameter values by key; blank values count as absent (an empty form field).
struct Params<'a> {
    values: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Params<'a> {
    fn new(pairs: &'a [(String, String)]) -> Self {
        let mut values: HashMap<&str, Vec<&str>> = HashMap::new();
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                values.entry(k.as_str()).or_default().push(v.as_str());
            }
        }
        Params { values }
    }

    fn last(&self, key: &str) -> Option<&'a str> {
        self.values
            .get(key)
            .and_then(|v| v.last())
            .map(|v| v.trim())
    }

    /// Every comma-separated value of every occurrence of `key`.
    fn list<'s>(&'s self, key: &str) -> impl Iterator<Item = &'a str> + 's {
        self.values
            .get(key)
            .into_iter()
            .flatten()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::carts::CartField;
    use crate::grid::orders::OrderField;
    use crate::grid::subscribers::SubscriberField;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn carts(list: &[(&str, &str)]) -> Result<GridQuery<CartField>, AppError> {
        parse(&pairs(list), today())
    }

    fn field_of(e: AppError) -> String {
        match e {
            AppError::Invalid { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_url_is_the_default_state() {
        let q = carts(&[]).unwrap();
        assert_eq!(q, GridQuery::default());
        assert_eq!(q.page, 1);
        assert_eq!(q.per_page, 50);
        assert_eq!(q.sort, Sort::desc(CartField::CreatedAt));
        assert!(q.to_pairs().is_empty());
    }

    #[test]
    fn the_url_contract_round_trips() {
        let q = carts(&[
            ("status", "open,lost"),
            ("abandoned", "true"),
            ("created_at_min", "2026-11-01"),
            ("created_at_max", "2026-11-26"),
            ("grand_total_min", "10.5"),
            ("email", "ann@"),
            ("channel", "3"),
            ("website", "0"),
            ("sort", "-grand_total"),
            ("cols", "cart_id,email,status"),
            ("per_page", "100"),
            ("page", "2"),
            ("view", "7"),
            ("utm_source", "ignored"),
        ])
        .unwrap();
        assert_eq!(
            q.condition(CartField::Status),
            Some(&Condition::AnyOf(vec!["open".into(), "lost".into()]))
        );
        assert_eq!(
            q.condition(CartField::Abandoned),
            Some(&Condition::Is(true))
        );
        assert_eq!(
            q.condition(CartField::Email),
            Some(&Condition::Contains("ann@".into()))
        );
        assert_eq!(q.condition(CartField::Website), Some(&Condition::Id(0)));
        assert_eq!(q.sort, Sort::desc(CartField::GrandTotal));
        assert_eq!(
            q.columns,
            vec![CartField::CartId, CartField::Email, CartField::Status]
        );
        assert_eq!((q.page, q.per_page, q.view), (2, 100, Some(7)));
        assert_eq!(q.offset(), 100);
        let again: GridQuery<CartField> = parse(&q.to_pairs(), today()).unwrap();
        assert_eq!(again, q);
    }

    #[test]
    fn form_submissions_with_repeated_and_blank_fields_are_understood() {
        let q = carts(&[
            ("status", "open"),
            ("status", "expired"),
            ("email", ""),
            ("grand_total_min", "  "),
            ("cols", "email"),
            ("cols", "status"),
        ])
        .unwrap();
        assert_eq!(
            q.condition(CartField::Status),
            Some(&Condition::AnyOf(vec!["open".into(), "expired".into()]))
        );
        assert_eq!(q.filters.len(), 1);
        assert_eq!(q.columns, vec![CartField::Email, CartField::Status]);
    }

    #[test]
    fn equals_wins_over_contains_and_text_is_kept_literally() {
        let q = carts(&[("email", "x"), ("email_eq", " A%_b@x.com ")]).unwrap();
        assert_eq!(
            q.condition(CartField::Email),
            Some(&Condition::Equals("A%_b@x.com".into()))
        );
    }

    #[test]
    fn the_panels_match_choice_makes_an_exact_filter() {
        let q = carts(&[("email", "Ann@x.com"), ("email_match", "eq")]).unwrap();
        assert_eq!(
            q.condition(CartField::Email),
            Some(&Condition::Equals("Ann@x.com".into()))
        );
        assert_eq!(
            q.to_pairs(),
            vec![("email_eq".to_string(), "Ann@x.com".to_string())]
        );
        let q = carts(&[("email", "ann"), ("email_match", "contains")]).unwrap();
        assert_eq!(
            q.condition(CartField::Email),
            Some(&Condition::Contains("ann".into()))
        );
    }

    #[test]
    fn presets_resolve_in_the_users_today_and_stay_rolling() {
        let q = carts(&[
            ("created_at_preset", "last_7_days"),
            ("created_at_min", "2020-01-01"),
        ])
        .unwrap();
        assert_eq!(
            q.condition(CartField::CreatedAt),
            Some(&Condition::Dates {
                from: NaiveDate::from_ymd_opt(2026, 11, 20),
                to: Some(today()),
                preset: Some(DatePreset::Last7Days),
            })
        );
        assert_eq!(
            q.to_pairs(),
            vec![("created_at_preset".to_string(), "last_7_days".to_string())]
        );
        let month = carts(&[("updated_at_preset", "this_month")]).unwrap();
        assert_eq!(
            month.condition(CartField::UpdatedAt),
            Some(&Condition::Dates {
                from: NaiveDate::from_ymd_opt(2026, 11, 1),
                to: Some(today()),
                preset: Some(DatePreset::ThisMonth),
            })
        );
        let custom = carts(&[
            ("created_at_preset", "custom"),
            ("created_at_max", "2026-01-31"),
        ])
        .unwrap();
        assert!(matches!(
            custom.condition(CartField::CreatedAt),
            Some(Condition::Dates { preset: None, .. })
        ));
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let cases: &[(&str, &str, &str)] = &[
            ("page", "0", "page"),
            ("page", "abc", "page"),
            ("page", "99999999999", "page"),
            ("per_page", "1000", "per_page"),
            ("sort", "password", "sort"),
            ("sort", "-abandoned", "sort"),
            ("sort", "customer", "sort"),
            ("status", "open,deleted", "status"),
            ("status", "'; drop table carts;--", "status"),
            ("abandoned", "maybe", "abandoned"),
            ("created_at_min", "2026-02-30", "created_at_min"),
            ("created_at_min", "26/11/2026", "created_at_min"),
            ("created_at_max", "0001-01-01", "created_at_max"),
            ("created_at_preset", "yesterday", "created_at_preset"),
            ("grand_total_min", "1e400", "grand_total_min"),
            ("grand_total_max", "NaN", "grand_total_max"),
            ("grand_total_max", "99999999999999999999", "grand_total_max"),
            ("channel", "-1", "channel"),
            ("channel", "1 or 1=1", "channel"),
            ("customer", "9223372036854775808", "customer"),
            ("view", "0", "view"),
            ("email", "a\0b", "email"),
        ];
        for (key, value, field) in cases {
            let got = carts(&[(key, value)]).expect_err(&format!("{key}={value} accepted"));
            assert_eq!(field_of(got), *field, "{key}={value}");
        }
    }

    #[test]
    fn ranges_must_be_ordered() {
        assert_eq!(
            field_of(carts(&[("grand_total_min", "5"), ("grand_total_max", "1")]).unwrap_err()),
            "grand_total_min"
        );
        assert_eq!(
            field_of(
                carts(&[
                    ("created_at_min", "2026-02-01"),
                    ("created_at_max", "2026-01-01")
                ])
                .unwrap_err()
            ),
            "created_at_min"
        );
        assert!(carts(&[("grand_total_min", "5"), ("grand_total_max", "5")]).is_ok());
    }

    #[test]
    fn long_text_is_refused_not_truncated() {
        let long = "x".repeat(10 * 1024);
        assert_eq!(field_of(carts(&[("email", &long)]).unwrap_err()), "email");
        let just = "é".repeat(MAX_TEXT_LEN);
        assert!(carts(&[("email", &just)]).is_ok());
    }

    #[test]
    fn unknown_columns_are_dropped_and_the_default_stands_when_none_is_left() {
        let q = carts(&[("cols", "nope,email,email,account")]).unwrap();
        assert_eq!(q.columns, vec![CartField::Email]);
        let q = carts(&[("cols", "nope")]).unwrap();
        assert_eq!(q.columns, CartField::default_columns());
    }

    #[test]
    fn numeric_choices_and_free_values_parse() {
        let q: GridQuery<SubscriberField> = parse(&pairs(&[("status", "1,3")]), today()).unwrap();
        assert_eq!(
            q.condition(SubscriberField::Status),
            Some(&Condition::AnyOf(vec!["1".into(), "3".into()]))
        );
        assert!(parse::<SubscriberField>(&pairs(&[("status", "5")]), today()).is_err());
        let q: GridQuery<OrderField> = parse(
            &pairs(&[("status", "complete,my_custom"), ("state", "CANCELED")]),
            today(),
        )
        .unwrap();
        assert_eq!(
            q.condition(OrderField::Status),
            Some(&Condition::AnyOf(vec![
                "complete".into(),
                "my_custom".into()
            ]))
        );
        assert_eq!(
            q.condition(OrderField::State),
            Some(&Condition::AnyOf(vec!["canceled".into()]))
        );
    }

    #[test]
    fn links_reset_the_page_and_toggle_the_sort() {
        let q = carts(&[("page", "3")]).unwrap();
        let by_total = q.with_sort(CartField::GrandTotal);
        assert_eq!(
            (by_total.page, by_total.sort),
            (1, Sort::desc(CartField::GrandTotal))
        );
        assert_eq!(
            by_total.with_sort(CartField::GrandTotal).sort,
            Sort::asc(CartField::GrandTotal)
        );
        assert_eq!(
            q.with_sort(CartField::Email).sort,
            Sort::asc(CartField::Email)
        );
        let filtered = carts(&[("abandoned", "true"), ("page", "2")]).unwrap();
        let cleared = filtered.without_filter(CartField::Abandoned);
        assert!(cleared.filters.is_empty());
        assert_eq!(cleared.page, 1);
        assert_eq!(q.last_page(0), 1);
        assert_eq!(q.last_page(101), 3);
    }
}
