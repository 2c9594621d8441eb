//! The filter panel: a GET form whose field names are the URL contract's, so it works without
//! JavaScript (and with it, navigates in place to the canonical URL).

use super::Links;
use super::model::Model;
use super::submit::GridForm;
use domain::grid::view::GridOptions;
use domain::grid::{Condition, DatePreset, FieldDef, FilterKind};
use leptos::prelude::*;
use rust_decimal::Decimal;

pub fn panel(model: &Model, options: &GridOptions, links: &Links) -> Option<AnyView> {
    let query = &*model.query;
    let fields: Vec<FieldDef> = query
        .fields()
        .into_iter()
        .filter(|f| f.in_panel && f.filter.is_some() && !links.is_fixed(f.key))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let active = query
        .filters()
        .iter()
        .filter(|(def, _)| !links.is_fixed(def.key))
        .count();
    let inputs = fields
        .iter()
        .map(|f| field_input(*f, query.condition(f.key).as_ref(), options))
        .collect_view();
    // The rest of the state travels with the form: sort, columns, page size (not the page:
    // new filters start at page 1; not the view: the state is no longer the view's).
    let carried: Vec<(String, String)> = query
        .pairs()
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "sort" | "cols" | "per_page"))
        .chain(links.keep.iter().cloned())
        .collect();
    let cleared = query.cleared(&|key| links.is_fixed(key));
    let summary = if active > 0 {
        format!("Filters ({active})")
    } else {
        "Filters".to_string()
    };
    // Open while filters apply, so what is applied can be seen and changed at once.
    let is_open = active > 0;
    let clear_href = links.to(cleared);
    let carried = hidden(&carried);
    Some(
        view! {
            <details class="grid-filter-panel" open=is_open>
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
        .into_any(),
    )
}

/// Hidden inputs carrying parameters through a form.
pub fn hidden(pairs: &[(String, String)]) -> AnyView {
    pairs
        .iter()
        .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone() /> })
        .collect_view()
        .into_any()
}

fn field_input(def: FieldDef, current: Option<&Condition>, options: &GridOptions) -> AnyView {
    let key = def.key;
    let id = format!("filter-{key}");
    let Some(kind) = def.filter else {
        return ().into_any();
    };
    match kind {
        FilterKind::Text => {
            let (value, exact) = match current {
                Some(Condition::Contains(t)) => (t.clone(), false),
                Some(Condition::Equals(t)) => (t.clone(), true),
                _ => (String::new(), false),
            };
            let match_label = format!("How {} matches", def.label.to_lowercase());
            view! {
                <div class="grid-field">
                    <label for=id.clone()>{def.label}</label>
                    <div class="grid-text-filter">
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
        FilterKind::Choice(choices) => checkboxes(
            def.label,
            key,
            choices
                .iter()
                .map(|c| (c.value.to_string(), c.label.to_string()))
                .collect(),
            current,
        ),
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
                <fieldset class="grid-field">
                    <legend>{def.label}</legend>
                    <div class="grid-range">
                        <label>
                            <span class="visually-hidden">{format!("{} from", def.label)}</span>
                            <input type="number" step="any" name=format!("{key}_min") value=min placeholder="Min" inputmode="decimal" />
                        </label>
                        <span class="grid-range-dash" aria-hidden="true">"–"</span>
                        <label>
                            <span class="visually-hidden">{format!("{} to", def.label)}</span>
                            <input type="number" step="any" name=format!("{key}_max") value=max placeholder="Max" inputmode="decimal" />
                        </label>
                    </div>
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
                <fieldset class="grid-field grid-dates">
                    <legend>{def.label}</legend>
                    <label>
                        <span class="visually-hidden">{format!("{} period", def.label)}</span>
                        <select name=format!("{key}_preset")>
                            <option value="custom" selected=preset.is_none()>"Custom range"</option>
                            {presets}
                        </select>
                    </label>
                    <div class="grid-range">
                        <label>
                            <span class="visually-hidden">{format!("{} from", def.label)}</span>
                            <input type="date" name=format!("{key}_min") value=from />
                        </label>
                        <span class="grid-range-dash" aria-hidden="true">"–"</span>
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
                <div class="grid-field">
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
                <div class="grid-field">
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
                <div class="grid-field">
                    <label for=id.clone()>{def.label}</label>
                    <input type="number" id=id name=key value=value min="0" step="1" inputmode="numeric" />
                </div>
            }
            .into_any()
        }
    }
}

fn checkboxes(
    label: &'static str,
    key: &'static str,
    values: Vec<(String, String)>,
    current: Option<&Condition>,
) -> AnyView {
    let chosen: Vec<String> = match current {
        Some(Condition::AnyOf(v)) => v.clone(),
        _ => Vec::new(),
    };
    let boxes = values
        .into_iter()
        .map(|(value, text)| {
            let checked = chosen.contains(&value);
            view! {
                <label class="grid-check">
                    <input type="checkbox" name=key value=value checked=checked />
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="grid-field grid-choices">
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
    value.map(domain::dates::iso).unwrap_or_default()
}
