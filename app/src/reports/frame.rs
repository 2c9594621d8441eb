//! What every report page shares: the title, the role check, loading its data for the URL's
//! filters, and the CSV download button.

use super::query::ReportQuery;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::{AppError, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::future::Future;

/// A report page: loads `fetch(query)` and draws `body(data, query)` (reloads when the URL's
/// query changes, keeping the old report on screen meanwhile).
#[component]
pub fn ReportFrame<T, Fut, B, V>(
    title: &'static str,
    intro: &'static str,
    fetch: fn(ReportQuery) -> Fut,
    body: B,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    B: Fn(T, ReportQuery) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Title text=title />
        <div class="report-header">
            <p class="breadcrumb"><a href="/reports">"Reports"</a></p>
            <h1>{title}</h1>
            <p class="muted">{intro}</p>
        </div>
        <RequirePermission permission=Permission::ReadReports>
            <ReportLoader fetch body=body.clone() />
        </RequirePermission>
    }
}

#[component]
fn ReportLoader<T, Fut, B, V>(fetch: fn(ReportQuery) -> Fut, body: B) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    B: Fn(T, ReportQuery) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let params = use_query_map();
    let query = move || ReportQuery::from_map(&params.read());
    let data = crate::data::data(query, fetch);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the report…"</p> }>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(d) => body(d, query()).into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A download link for a CSV document.
#[component]
pub fn CsvButton(
    file_name: String,
    csv: String,
    #[prop(default = "Export CSV")] label: &'static str,
) -> impl IntoView {
    view! {
        <a class="button" href=super::csv::data_url(&csv) download=file_name data-csv="">
            {label}
        </a>
    }
}
