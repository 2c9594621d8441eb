//! The filter bar of the dashboard and the reports: range presets, a custom range, the channel
//! and (where it applies) the currency and the bucket size. Everything lands in the URL.

use super::query::ReportQuery;
use domain::metrics::{ChannelOption, DateRange, Granularity, Preset};
use leptos::prelude::*;
use leptos_router::components::Form;

/// Which extra selects a page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterOptions {
    /// Currencies to choose from (shown when more than one).
    pub currencies: Vec<String>,
    pub currency: Option<String>,
    /// Offer day / week / month.
    pub granularity: Option<Granularity>,
}

#[component]
pub fn FilterBar(
    /// The page's path (`/`, `/reports/sales`).
    path: &'static str,
    query: ReportQuery,
    preset: Preset,
    range: DateRange,
    previous: Option<DateRange>,
    channels: Vec<ChannelOption>,
    time_zone: String,
    #[prop(optional)] options: FilterOptions,
) -> impl IntoView {
    let pills = Preset::ALL
        .into_iter()
        .filter(|p| *p != Preset::Custom)
        .map(|p| {
            let target = ReportQuery {
                range: Some(p.as_str().to_string()),
                from: None,
                to: None,
                ..query.clone()
            };
            let href = format!("{path}{}", target.to_query_string());
            let current = p == preset;
            view! {
                <a
                    class="range-pill"
                    class:range-pill-active=current
                    href=href
                    aria-current=current.then_some("page")
                >
                    {p.label()}
                </a>
            }
        })
        .collect_view();
    let compared = previous.map(|p| format!(" · compared with {}", p.label()));
    let selected_channel = query.channel;
    view! {
        <section class="filter-bar" aria-label="Filters">
            <nav class="range-pills" aria-label="Date range">{pills}</nav>
            <Form method="GET" action=path attr:class="filter-form">
                <input type="hidden" name="range" value="custom" />
                <label class="filter-field">
                    <span>"From"</span>
                    <input type="date" name="from" value=range.from_param() required />
                </label>
                <label class="filter-field">
                    <span>"To"</span>
                    <input type="date" name="to" value=range.to_param() required />
                </label>
                <label class="filter-field">
                    <span>"Channel"</span>
                    <select name="channel">
                        <option value="" selected=selected_channel.is_none()>"All channels"</option>
                        {channels
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <option value=c.id.to_string() selected=selected_channel == Some(c.id)>
                                        {c.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                {(options.currencies.len() > 1)
                    .then(|| {
                        let chosen = options.currency.clone();
                        view! {
                            <label class="filter-field">
                                <span>"Currency"</span>
                                <select name="currency">
                                    {options
                                        .currencies
                                        .iter()
                                        .map(|c| view! {
                                            <option value=c.clone() selected=chosen.as_deref() == Some(c.as_str())>
                                                {c.clone()}
                                            </option>
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                        }
                    })}
                {options
                    .granularity
                    .map(|chosen| {
                        view! {
                            <label class="filter-field">
                                <span>"Group by"</span>
                                <select name="granularity">
                                    {Granularity::ALL
                                        .into_iter()
                                        .map(|g| view! {
                                            <option value=g.as_str() selected=g == chosen>{g.label()}</option>
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                        }
                    })}
                <button type="submit" class="button button-primary">"Apply"</button>
            </Form>
            <p class="filter-summary">
                <span data-range="">{range.label()}</span>
                {compared}
                {format!(" · days in {time_zone}")}
            </p>
        </section>
    }
}
