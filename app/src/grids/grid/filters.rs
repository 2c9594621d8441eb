//! The filter panel (a GET form whose field names are the URL contract's, so it works without
//! JavaScript) and the chips of the filters applied, each with a link that removes it.

use super::Links;
use super::submit::GridForm;
use domain::grid::view::GridOptions;
use domain::grid::{Choice, Condition, DatePreset, FilterKind, GridField, GridQuery, format_decimal};
use leptos::prelude::*;
use rust_decimal::Decimal;

pub fn panel<F: GridField>(query: &GridQuery<F>, options: &GridOptions, links: &Links) -> Option<AnyView> {
    let fields: Vec<F> = F::ALL
        .iter()
        .copied()
        .filter(|f| f.def().in_panel && f.def().filter.is_some() && !links.is_fixed(f.key()))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let active = query.filters.iter().filter(|f| !links.is_fixed(f.field.key())).count();
    let inputs = fields
        .iter()
        .map(|f| field_input(*f, query.condition(*f), options))
        .collect_view();
    // The rest of the state travels with the form: sort, columns, page size (not the page:
    // new filters start at page 1; not the view: the state is no longer the view's).
    let carried: Vec<(String, String)> = query
        .to_pairs()
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "sort" | "cols" | "per_page"))
        .chain(links.keep.iter().cloned())
        .collect();
    let mut cleared = query.clone();
    cleared.filters.retain(|f| links.is_fixed(f.field.key()));
    cleared.page = 1;
    cleared.view = None;
    let summary = if active > 0 { format!("Filters ({active})") } else { "Filters".to_string() };
    let clear_href = links.to(&cleared);
    let carried = hidden(&carried);
    Some(view! {
        <details class="grid-filter-panel" open=active > 0>
            <summary>{summary}</summary>
            <GridForm path=links.path.clone() class="grid-filter-form" label="Filters">
                <div class="grid-filter-fields">{inputs}</div>
                {carried}
                <div class="grid-filter-actions">
                    <button type="submit" class="button button-primary">"Apply filters"</button>
                    <a class="button button-quiet" href=clear_href>"Clear filters"</a>
                </div>
            </GridForm>
        </details>
    }
    .into_any())
}

/// Hidden inputs carrying parameters through a form.
pub fn hidden(pairs: &[(String, String)]) -> AnyView {
    pairs
        .iter()
        .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone() /> })
        .collect_view()
        .into_any()
}

fn field_input<F: GridField>(field: F, current: Option<&Condition>, options: &GridOptions) -> AnyView {
    let def = field.def();
    let key = def.key;
    let id = format!("filter-{key}");
    let Some(kind) = def.filter else { return ().into_any() };
    match kind {
        FilterKind::Text => {
            let (value, exact) = match current {
                Some(Condition::Contains(t)) => (t.clone(), false),
                Some(Condition::Equals(t)) => (t.clone(), true),
                _ => (String::new(), false),
            };
            let match_label = format!("How {} matches", def.label.to_lowercase());
            view! {
                <div class="filter-field">
                    <label for=id.clone()>{def.label}</label>
                    <div class="filter-text">
                        <select name=format!("{key}_match") aria-label=match_label>
                            <option value="contains" selected=!exact>"contains"</option>
                            <option value="eq" selected=exact>"is exactly"</option>
                        </select>
                        <input type="search" id=id name=key value=value maxlength="200" autocomplete="off" />
                    </div>
                </div>
            }
            .into_any()
        }
        FilterKind::Choice(choices) => checkboxes(def.label, key, choices.iter().map(|c| (c.value.to_string(), c.label.to_string())).collect(), current),
        FilterKind::Values => {
            let mut values: Vec<(String, String)> = options
                .order_statuses
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect();
            if let Some(Condition::AnyOf(chosen)) = current {
                for v in chosen {
                    if !values.iter().any(|(value, _)| value == v) {
                        values.push((v.clone(), v.clone()));
                    }
                }
            }
            checkboxes(def.label, key, values, current)
        }
        FilterKind::Number => {
            let (min, max) = match current {
                Some(Condition::Range { min, max }) => (number(*min), number(*max)),
                _ => (String::new(), String::new()),
            };
            view! {
                <fieldset class="filter-field filter-range">
                    <legend>{def.label}</legend>
                    <label>
                        <span class="visually-hidden">{format!("{} from", def.label)}</span>
                        <input type="number" step="any" name=format!("{key}_min") value=min placeholder="Min" inputmode="decimal" />
                    </label>
                    <span class="range-dash" aria-hidden="true">"–"</span>
                    <label>
                        <span class="visually-hidden">{format!("{} to", def.label)}</span>
                        <input type="number" step="any" name=format!("{key}_max") value=max placeholder="Max" inputmode="decimal" />
                    </label>
                </fieldset>
            }
            .into_any()
        }
        FilterKind::Date => {
            let (from, to, preset) = match current {
                Some(Condition::Dates { from, to, preset }) => (date(*from), date(*to), *preset),
                _ => (String::new(), String::new(), None),
            };
            let presets = DatePreset::ALL
                .into_iter()
                .map(|p| view! { <option value=p.as_str() selected=preset == Some(p)>{p.label()}</option> })
                .collect_view();
            view! {
                <fieldset class="filter-field filter-dates">
                    <legend>{def.label}</legend>
                    <label>
                        <span class="visually-hidden">{format!("{} period", def.label)}</span>
                        <select name=format!("{key}_preset")>
                            <option value="custom" selected=preset.is_none()>"Custom range"</option>
                            {presets}
                        </select>
                    </label>
                    <div class="filter-range">
                        <label>
                            <span class="visually-hidden">{format!("{} from", def.label)}</span>
                            <input type="date" name=format!("{key}_min") value=from />
                        </label>
                        <span class="range-dash" aria-hidden="true">"–"</span>
                        <label>
                            <span class="visually-hidden">{format!("{} to", def.label)}</span>
                            <input type="date" name=format!("{key}_max") value=to />
                        </label>
                    </div>
                </fieldset>
            }
            .into_any()
        }
        FilterKind::Bool => {
            let value = match current {
                Some(Condition::Is(v)) => Some(*v),
                _ => None,
            };
            view! {
                <div class="filter-field">
                    <label for=id.clone()>{def.label}</label>
                    <select id=id name=key>
                        <option value="" selected=value.is_none()>"Any"</option>
                        <option value="true" selected=value == Some(true)>"Yes"</option>
                        <option value="false" selected=value == Some(false)>"No"</option>
                    </select>
                </div>
            }
            .into_any()
        }
        FilterKind::Channel | FilterKind::Website => {
            let chosen = match current {
                Some(Condition::Id(id)) => Some(id.to_string()),
                _ => None,
            };
            let (items, any) = if kind == FilterKind::Channel {
                (&options.channels, "All channels")
            } else {
                (&options.websites, "All websites")
            };
            let list = items
                .iter()
                .map(|o| view! { <option value=o.value.clone() selected=chosen.as_deref() == Some(o.value.as_str())>{o.label.clone()}</option> })
                .collect_view();
            view! {
                <div class="filter-field">
                    <label for=id.clone()>{def.label}</label>
                    <select id=id name=key>
                        <option value="" selected=chosen.is_none()>{any}</option>
                        {list}
                    </select>
                </div>
            }
            .into_any()
        }
        FilterKind::Id => {
            let value = match current {
                Some(Condition::Id(id)) => id.to_string(),
                _ => String::new(),
            };
            view! {
                <div class="filter-field">
                    <label for=id.clone()>{def.label}</label>
                    <input type="number" id=id name=key value=value min="0" step="1" inputmode="numeric" />
                </div>
            }
            .into_any()
        }
    }
}

fn checkboxes(label: &'static str, key: &'static str, values: Vec<(String, String)>, current: Option<&Condition>) -> AnyView {
    let chosen: Vec<String> = match current {
        Some(Condition::AnyOf(v)) => v.clone(),
        _ => Vec::new(),
    };
    let boxes = values
        .into_iter()
        .map(|(value, text)| {
            let checked = chosen.contains(&value);
            view! {
                <label class="check">
                    <input type="checkbox" name=key value=value checked=checked />
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="filter-field filter-choices">
            <legend>{label}</legend>
            {boxes}
        </fieldset>
    }
    .into_any()
}

fn number(value: Option<Decimal>) -> String {
    value.map(|d| d.normalize().to_string()).unwrap_or_default()
}

fn date(value: Option<chrono::NaiveDate>) -> String {
    value.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The filters applied, in words, each removable.
pub fn chips<F: GridField>(query: &GridQuery<F>, options: &GridOptions, links: &Links) -> Option<AnyView> {
    let chips: Vec<_> = query
        .filters
        .iter()
        .filter(|f| !links.is_fixed(f.field.key()))
        .map(|f| {
            let label = f.field.label();
            let text = describe(f.field, &f.condition, options);
            let remove = links.to(&query.without_filter(f.field));
            view! {
                <li class="grid-chip">
                    <span><span class="chip-label">{format!("{label}: ")}</span>{text}</span>
                    <a href=remove class="chip-remove" aria-label=format!("Remove the {} filter", label.to_lowercase())>"×"</a>
                </li>
            }
        })
        .collect();
    (!chips.is_empty()).then(|| view! { <ul class="grid-chips" aria-label="Filters applied">{chips}</ul> }.into_any())
}

/// A condition in words: `contains “ann”`, `Open, Lost`, `10 – 50`, `Last 7 days (20 Nov – 26 Nov 2026)`.
pub fn describe<F: GridField>(field: F, condition: &Condition, options: &GridOptions) -> String {
    let day = |d: chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    let amount = |d: Decimal| format_decimal(d, d.normalize().scale().min(4));
    match condition {
        Condition::Contains(t) => format!("contains “{t}”"),
        Condition::Equals(t) => format!("is “{t}”"),
        Condition::AnyOf(values) => {
            let choices: &[Choice] = match field.def().filter {
                Some(FilterKind::Choice(c)) => c,
                _ => &[],
            };
            values
                .iter()
                .map(|v| choices.iter().find(|c| c.value == v).map_or(v.as_str(), |c| c.label))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Condition::Range { min: Some(a), max: Some(b) } => format!("{} – {}", amount(*a), amount(*b)),
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
        Condition::Id(id) => match field.def().filter {
            Some(FilterKind::Channel) => options.channel_label(*id).map_or(format!("#{id}"), str::to_string),
            Some(FilterKind::Website) => options.website_label(*id).map_or(format!("#{id}"), str::to_string),
            _ => format!("#{id}"),
        },
    }
}
