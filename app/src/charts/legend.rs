//! A chart legend whose entries hide and show their series (once hydrated; without the WASM it
//! is a plain key).

use leptos::prelude::*;

/// Legend entry: the series' name, colour slot and dash.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: String,
    pub color: u8,
    pub dashed: bool,
}

/// Buttons toggling `hidden[i]`; `aria-pressed` tells whether series `i` is shown.
#[component]
pub fn Legend(entries: Vec<Entry>, hidden: RwSignal<Vec<bool>>) -> impl IntoView {
    view! {
        <div class="chart-legend">
            {entries
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let shown = move || !hidden.with(|h| h.get(i).copied().unwrap_or(false));
                    view! {
                        <button
                            type="button"
                            class="chart-legend-item"
                            aria-pressed=move || shown().to_string()
                            title="Show or hide this series"
                            on:click=move |_| {
                                hidden.update(|h| {
                                    if let Some(v) = h.get_mut(i) {
                                        *v = !*v;
                                    }
                                })
                            }
                        >
                            <span
                                class=format!("chart-swatch chart-c{}", e.color)
                                class:chart-swatch-dashed=e.dashed
                                aria-hidden="true"
                            ></span>
                            {e.name}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
