//! WHERE and ORDER BY from a typed grid query. SQL text comes only from the grid's field enum
//! (`Target`, `sort_expr`); every value the user typed is a bound parameter.

use super::GridSource;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use domain::grid::{Condition, GridField, GridQuery, LocalTime};
use sqlx::{Postgres, QueryBuilder};

/// How a field is filtered: SQL expressions over the base table `c`.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// Text: "contains" is `expr ILIKE '%…%'` (trigram-indexed); "equals" compares `eq`, an
    /// already lower-cased expression, with `lower($1)`.
    Text { expr: &'static str, eq: &'static str },
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
}

/// `where <base> and <filter> and …`.
pub(super) fn push_where<F: GridSource>(
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
            qb.push(expr).push(" ilike ").push_bind(contains_pattern(text));
        }
        (Target::Text { eq, .. }, Condition::Equals(text)) => {
            qb.push(eq).push(" = lower(").push_bind(text.clone()).push(")");
        }
        (Target::TextIn(expr), Condition::AnyOf(values)) => {
            qb.push(expr).push(" = any(").push_bind(values.clone()).push(")");
        }
        (Target::SmallIntIn(expr), Condition::AnyOf(values)) => {
            let numbers = values
                .iter()
                .map(|v| v.parse::<i16>())
                .collect::<std::result::Result<Vec<i16>, _>>()
                .map_err(|_| Error::invalid(field.key(), "Choose one of the listed values."))?;
            qb.push(expr).push(" = any(").push_bind(numbers).push(")");
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
        (Target::Col(expr), Condition::Dates { from, to, .. }) => {
            qb.push("true");
            if let Some(from) = from {
                qb.push(" and ").push(expr).push(" >= ").push_bind(day_start(*from, tz));
            }
            if let Some(to) = to {
                // Up to the start of the next day: the whole last day is included.
                let next = to.succ_opt().unwrap_or(*to);
                qb.push(" and ").push(expr).push(" < ").push_bind(day_start(next, tz));
            }
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

fn push_range<T>(qb: &mut QueryBuilder<'static, Postgres>, expr: &'static str, min: Option<T>, max: Option<T>)
where
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

/// ` order by <expr> desc nulls last, c.id desc` (or ascending, nulls first): NULL is the
/// smallest value both ways, so one `(expr desc nulls last, id desc)` index serves both.
pub(super) fn push_order<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
) -> Result<()> {
    let field = query.sort.field;
    let expr = field
        .sort_expr()
        .ok_or_else(|| Error::invalid("sort", format!("This grid cannot be sorted by {}.", field.label())))?;
    let (dir, nulls) = if query.sort.descending {
        ("desc", "nulls last")
    } else {
        ("asc", "nulls first")
    };
    qb.push(format!(" order by {expr} {dir} {nulls}, c.id {dir}"));
    Ok(())
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
        .find_map(|h| tz.from_local_datetime(&(midnight + Duration::hours(h))).earliest())
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
    Error::invalid(field.key(), format!("{} cannot be filtered this way.", field.label()))
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
        assert_eq!(day_start(day, paris).to_rfc3339(), "2026-06-30T22:00:00+00:00");
        // Santiago skipped midnight on 2022-09-11 (00:00 became 01:00).
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let gap = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        assert_eq!(day_start(gap, santiago).to_rfc3339(), "2022-09-11T04:00:00+00:00");
    }
}
