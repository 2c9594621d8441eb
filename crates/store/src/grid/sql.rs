//! WHERE and ORDER BY from a typed grid query. SQL text comes only from the grid's field enum
//! (`Target`, `sort_expr`); every value the user typed is a bound parameter.

use super::GridSource;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use domain::grid::{Condition, FilterKind, GridField, GridQuery, LocalTime};
use sqlx::{Postgres, QueryBuilder};

/// How a field is filtered: SQL expressions over the base table `c`.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// Text: "contains" is `expr ILIKE '%…%'` (trigram-indexed); "equals" compares `eq`, an
    /// already lower-cased expression, with `lower($1)`.
    Text {
        expr: &'static str,
        eq: &'static str,
    },
    /// A numeric, timestamp or bigint column: ranges, date ranges, ids.
    Col(&'static str),
    /// An integer column: range bounds are rounded inwards and bound as integers, so the
    /// column's index stays usable (int = numeric would compare as numeric).
    Int(&'static str),
    /// A text column compared with a list of values.
    TextIn(&'static str),
    /// A smallint column compared with a list of values.
    SmallIntIn(&'static str),
    /// A yes/no filter: the condition for true and the one for false.
    Flag { yes: &'static str, no: &'static str },
    /// An id matched through a subquery: `prefix $1 suffix`.
    IdVia(&'static str, &'static str),
    /// Text matched through a subquery: `prefix <expr ilike $1 | eq = lower($1)> suffix`
    /// ("orders that contain this SKU").
    TextVia {
        prefix: &'static str,
        expr: &'static str,
        eq: &'static str,
        suffix: &'static str,
    },
    /// A date range matched through a subquery: `prefix <bounds on expr> suffix`.
    DatesVia {
        prefix: &'static str,
        expr: &'static str,
        suffix: &'static str,
    },
    /// Fixed choices matched through a subquery ("customers whose newsletter status is one of
    /// these"): the chosen values' codes, looked up in `codes`, are bound as one smallint array
    /// in `prefix $1 suffix`. The choice `none.0`, when chosen, adds `or none.1` (no related
    /// row at all).
    CodesVia {
        prefix: &'static str,
        suffix: &'static str,
        codes: &'static [(&'static str, i16)],
        none: Option<(&'static str, &'static str)>,
    },
}

/// `where <base> and <filter> and …`.
pub(crate) fn push_where<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<()> {
    qb.push(" where ");
    qb.push(F::BASE_WHERE);
    for filter in &query.filters {
        let field = filter.field;
        let target = field.target().ok_or_else(|| not_filterable(field))?;
        qb.push(" and (");
        push_condition(qb, field, target, &filter.condition, tz)?;
        qb.push(")");
    }
    Ok(())
}

fn push_condition<F: GridField>(
    qb: &mut QueryBuilder<'static, Postgres>,
    field: F,
    target: Target,
    condition: &Condition,
    tz: Tz,
) -> Result<()> {
    match (target, condition) {
        (Target::Text { expr, .. }, Condition::Contains(text)) => {
            qb.push(expr)
                .push(" ilike ")
                .push_bind(contains_pattern(text));
        }
        (Target::Text { eq, .. }, Condition::Equals(text)) => {
            qb.push(eq)
                .push(" = lower(")
                .push_bind(text.clone())
                .push(")");
        }
        (
            Target::TextVia {
                prefix,
                expr,
                suffix,
                ..
            },
            Condition::Contains(text),
        ) => {
            qb.push(prefix)
                .push(expr)
                .push(" ilike ")
                .push_bind(contains_pattern(text))
                .push(suffix);
        }
        (
            Target::TextVia {
                prefix, eq, suffix, ..
            },
            Condition::Equals(text),
        ) => {
            qb.push(prefix)
                .push(eq)
                .push(" = lower(")
                .push_bind(text.clone())
                .push(")")
                .push(suffix);
        }
        (Target::TextIn(expr), Condition::AnyOf(values)) => {
            qb.push(expr)
                .push(" = any(")
                .push_bind(values.clone())
                .push(")");
        }
        (Target::SmallIntIn(expr), Condition::AnyOf(values)) => {
            let numbers = values
                .iter()
                .map(|v| v.parse::<i16>())
                .collect::<std::result::Result<Vec<i16>, _>>()
                .map_err(|_| Error::invalid(field.key(), "Choose one of the listed values."))?;
            qb.push(expr).push(" = any(").push_bind(numbers).push(")");
        }
        (
            Target::CodesVia {
                prefix,
                suffix,
                codes,
                none,
            },
            Condition::AnyOf(values),
        ) => {
            let mut chosen: Vec<i16> = Vec::new();
            let mut with_none = false;
            for value in values {
                if let Some((_, code)) = codes.iter().find(|(v, _)| v == value) {
                    chosen.push(*code);
                } else if none.is_some_and(|(v, _)| v == value) {
                    with_none = true;
                } else {
                    return Err(Error::invalid(
                        field.key(),
                        "Choose one of the listed values.",
                    ));
                }
            }
            match (chosen.is_empty(), none.filter(|_| with_none)) {
                (false, None) => {
                    qb.push(prefix).push_bind(chosen).push(suffix);
                }
                (false, Some((_, no_row))) => {
                    qb.push(prefix)
                        .push_bind(chosen)
                        .push(suffix)
                        .push(" or ")
                        .push(no_row);
                }
                (true, Some((_, no_row))) => {
                    qb.push(no_row);
                }
                (true, None) => {
                    qb.push("false");
                }
            }
        }
        (Target::Col(expr), Condition::Range { min, max }) => {
            push_range(qb, expr, *min, *max);
        }
        (Target::Int(expr), Condition::Range { min, max }) => {
            // Whole bounds only: [1.5, 3.5] over integers is [2, 3].
            let min = min.map(|m| m.ceil().try_into().unwrap_or(i64::MAX));
            let max = max.map(|m| m.floor().try_into().unwrap_or(i64::MIN));
            push_range(qb, expr, min, max);
        }
        (
            Target::DatesVia {
                prefix,
                expr,
                suffix,
            },
            Condition::Dates { from, to, .. },
        ) => {
            qb.push(prefix);
            push_dates(qb, expr, *from, *to, tz);
            qb.push(suffix);
        }
        (Target::Col(expr), Condition::Dates { from, to, .. }) => {
            push_dates(qb, expr, *from, *to, tz);
        }
        (Target::Flag { yes, no }, Condition::Is(value)) => {
            qb.push(if *value { yes } else { no });
        }
        (Target::Col(expr), Condition::Is(value)) => {
            qb.push(expr).push(" = ").push_bind(*value);
        }
        (Target::Col(expr), Condition::Id(id)) => {
            qb.push(expr).push(" = ").push_bind(*id);
        }
        (Target::IdVia(prefix, suffix), Condition::Id(id)) => {
            qb.push(prefix).push_bind(*id).push(suffix);
        }
        _ => return Err(not_filterable(field)),
    }
    Ok(())
}

/// `true and expr >= <from's local midnight> and expr < <the midnight after to>`: whole days in
/// the user's zone.
fn push_dates(
    qb: &mut QueryBuilder<'static, Postgres>,
    expr: &'static str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    tz: Tz,
) {
    qb.push("true");
    if let Some(from) = from {
        qb.push(" and ")
            .push(expr)
            .push(" >= ")
            .push_bind(day_start(from, tz));
    }
    if let Some(to) = to {
        // Up to the start of the next day: the whole last day is included.
        let next = to.succ_opt().unwrap_or(to);
        qb.push(" and ")
            .push(expr)
            .push(" < ")
            .push_bind(day_start(next, tz));
    }
}

fn push_range<T>(
    qb: &mut QueryBuilder<'static, Postgres>,
    expr: &'static str,
    min: Option<T>,
    max: Option<T>,
) where
    T: 'static + Send + sqlx::Encode<'static, Postgres> + sqlx::Type<Postgres>,
{
    qb.push("true");
    if let Some(min) = min {
        qb.push(" and ").push(expr).push(" >= ").push_bind(min);
    }
    if let Some(max) = max {
        qb.push(" and ").push(expr).push(" <= ").push_bind(max);
    }
}

/// The expression the grid's sort column sorts by.
pub(super) fn sort_expr<F: GridSource>(query: &GridQuery<F>) -> Result<&'static str> {
    let field = query.sort.field;
    field.sort_expr().ok_or_else(|| {
        Error::invalid(
            "sort",
            format!("This grid cannot be sorted by {}.", field.label()),
        )
    })
}

/// ` order by <expr> desc nulls last, c.id desc` (or ascending, nulls first): NULL is the
/// smallest value both ways, so one `(expr desc nulls last, id desc)` index serves both.
pub(super) fn push_order<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
) -> Result<()> {
    let expr = sort_expr(query)?;
    push_order_by(qb, query, expr);
    Ok(())
}

/// ` order by <expr> <direction>, c.id <direction>`: NOT NULL sort columns sort plainly;
/// nullable ones put NULL first ascending and last descending.
pub(super) fn push_order_by<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
    expr: &str,
) {
    let (dir, nulls) = match (query.sort.descending, query.sort.field.sort_nullable()) {
        (true, true) => ("desc", " nulls last"),
        (false, true) => ("asc", " nulls first"),
        (true, false) => ("desc", ""),
        (false, false) => ("asc", ""),
    };
    qb.push(format!(" order by {expr} {dir}{nulls}, c.id {dir}"));
}

/// Whether a page must be filtered before it is sorted, rather than read in sort order.
///
/// Reading a sort index and filtering as it goes is the right plan when matches are common, and
/// the planner picks it whenever it believes so. It is wrong in two cases it cannot judge: a
/// "contains" search (its selectivity is a guess, and a search usually matches a handful of
/// rows, so walking a million-row sort index to find them is the worst plan), and a closed date
/// window sorted by another date (a record's timestamps move together: "created in March 2025,
/// newest update first" would walk the update index from today back to March).
pub(super) fn filter_first<F: GridSource>(query: &GridQuery<F>) -> bool {
    let sort = query.sort.field;
    let sort_is_date = matches!(sort.def().filter, Some(FilterKind::Date));
    query.filters.iter().any(|f| match &f.condition {
        Condition::Contains(_) => true,
        Condition::Dates {
            from: Some(_),
            to: Some(_),
            ..
        } => sort_is_date && f.field != sort,
        _ => false,
    })
}

/// The total from `grid_counts` when every filter is the channel or one counted column (with
/// values or yes/no); `false` (nothing pushed) when `count(*)` must answer.
pub(super) fn push_counted<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
) -> bool {
    match counted_filter(query) {
        Some((table, channel, column, values)) => {
            qb.push("select coalesce(sum(rows), 0)::int8 from grid_counts where table_name = ");
            qb.push_bind(table);
            qb.push(" and dimension = ").push_bind(column);
            qb.push(" and value = any(").push_bind(values).push(")");
            if let Some(channel) = channel {
                qb.push(" and channel_id = ").push_bind(channel);
            }
            true
        }
        None => false,
    }
}

type CountedFilter = (&'static str, Option<i64>, &'static str, Vec<String>);

fn counted_filter<F: GridSource>(query: &GridQuery<F>) -> Option<CountedFilter> {
    let table = F::COUNTED?;
    let mut channel: Option<i64> = None;
    let mut dimension: Option<(&'static str, Vec<String>)> = None;
    for filter in &query.filters {
        let field = filter.field;
        match (
            &filter.condition,
            field.is_channel(),
            field.counted_column(),
        ) {
            (Condition::Id(id), true, _) => channel = Some(*id),
            (Condition::AnyOf(values), false, Some(column)) if dimension.is_none() => {
                dimension = Some((column, values.clone()))
            }
            (Condition::Is(value), false, Some(column)) if dimension.is_none() => {
                dimension = Some((column, vec![value.to_string()]))
            }
            _ => return None,
        }
    }
    let (column, values) = dimension.unwrap_or(("*", vec!["*".to_string()]));
    Some((table, channel, column, values))
}

/// `%text%` with LIKE's wildcards escaped: a search for `50%_off` finds exactly that text.
pub(super) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Midnight at the start of `day` in the user's zone. Where a zone skips midnight (a DST change
/// at 00:00) the day starts at the first moment that exists.
pub(super) fn day_start(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// A stored moment with its wall-clock time in the user's zone.
pub fn local_time(at: Option<DateTime<Utc>>, tz: Tz) -> Option<LocalTime> {
    at.map(|utc| LocalTime {
        utc,
        local: utc.with_timezone(&tz).naive_local(),
    })
}

fn not_filterable<F: GridField>(field: F) -> Error {
    Error::invalid(
        field.key(),
        format!("{} cannot be filtered this way.", field.label()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(contains_pattern("a\\b"), "%a\\\\b%");
        assert_eq!(contains_pattern("O'Brien"), "%O'Brien%");
    }

    #[test]
    fn days_start_at_local_midnight() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(
            day_start(day, paris).to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        // Santiago skipped midnight on 2022-09-11 (00:00 became 01:00).
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let gap = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        assert_eq!(
            day_start(gap, santiago).to_rfc3339(),
            "2022-09-11T04:00:00+00:00"
        );
    }
}
