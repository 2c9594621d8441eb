//! The chips above a grid: each filter applied, in words, with a link that removes it.

use super::Links;
use super::model::Model;
use domain::grid::view::GridOptions;
use domain::grid::{Choice, Condition, FieldDef, FilterKind, format_decimal};
use leptos::prelude::*;
use rust_decimal::Decimal;

/// The filters applied, in words, each removable.
pub fn chips(model: &Model, options: &GridOptions, links: &Links) -> Option<AnyView> {
    let query = &*model.query;
    let chips: Vec<_> = query
        .filters()
        .into_iter()
        .filter(|(def, _)| !links.is_fixed(def.key))
        .map(|(def, condition)| {
            let label = def.label;
            let text = describe(def, &condition, options);
            let remove = links.to(query.without_filter(def.key));
            view! {
                <li class="grid-chip">
                    <span><span class="chip-label">{format!("{label}: ")}</span>{text}</span>
                    <a href=remove class="chip-remove" aria-label=format!("Remove the {} filter", label.to_lowercase())>"×"</a>
                </li>
            }
        })
        .collect();
    (!chips.is_empty()).then(|| {
        view! { <ul class="grid-chips" aria-label="Filters applied">{chips}</ul> }.into_any()
    })
}

/// A condition in words: `contains “ann”`, `Open, Lost`, `10 – 50`, `Last 7 days (20 Nov – 26 Nov 2026)`.
pub fn describe(field: FieldDef, condition: &Condition, options: &GridOptions) -> String {
    let day = |d: chrono::NaiveDate| domain::dates::day_month_year(d);
    let amount = |d: Decimal| format_decimal(d, d.normalize().scale().min(4));
    match condition {
        Condition::Contains(t) => format!("contains “{t}”"),
        Condition::Equals(t) => format!("is “{t}”"),
        Condition::AnyOf(values) => {
            let choices: &[Choice] = match field.filter {
                Some(FilterKind::Choice(c)) => c,
                _ => &[],
            };
            values
                .iter()
                .map(|v| {
                    choices
                        .iter()
                        .find(|c| c.value == v)
                        .map_or(v.as_str(), |c| c.label)
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        Condition::Range {
            min: Some(a),
            max: Some(b),
        } => format!("{} – {}", amount(*a), amount(*b)),
        Condition::Range { min: Some(a), .. } => format!("at least {}", amount(*a)),
        Condition::Range { max: Some(b), .. } => format!("at most {}", amount(*b)),
        Condition::Range { .. } => String::new(),
        Condition::Dates { from, to, preset } => {
            let span = match (from, to) {
                (Some(a), Some(b)) if a == b => day(*a),
                (Some(a), Some(b)) => format!("{} – {}", day(*a), day(*b)),
                (Some(a), None) => format!("from {}", day(*a)),
                (None, Some(b)) => format!("until {}", day(*b)),
                (None, None) => String::new(),
            };
            match preset {
                Some(p) => format!("{} ({span})", p.label()),
                None => span,
            }
        }
        Condition::Is(true) => "Yes".into(),
        Condition::Is(false) => "No".into(),
        Condition::Id(id) => match field.filter {
            Some(FilterKind::Channel) => options
                .channel_label(*id)
                .map_or(format!("#{id}"), str::to_string),
            Some(FilterKind::Website) => options
                .website_label(*id)
                .map_or(format!("#{id}"), str::to_string),
            _ => format!("#{id}"),
        },
    }
}
