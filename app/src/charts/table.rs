//! The data behind a chart as a table: for screen readers, and for anyone who wants the exact
//! numbers (closed by default).

use leptos::prelude::*;

/// A `<details>` holding a table: the first column names the rows (x buckets or bars).
#[component]
pub fn DataTable(
    /// Header of the first column (`Week`, `Status`).
    row_header: String,
    columns: Vec<String>,
    /// Per row: its name and one formatted cell per column.
    rows: Vec<(String, Vec<String>)>,
) -> impl IntoView {
    view! {
        <details class="chart-table">
            <summary>"Show the data as a table"</summary>
            <div class="table-scroll">
                <table class="table table-compact">
                    <thead>
                        <tr>
                            <th scope="col">{row_header}</th>
                            {columns
                                .into_iter()
                                .map(|c| view! { <th scope="col" class="num">{c}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|(name, cells)| {
                                view! {
                                    <tr>
                                        <th scope="row">{name}</th>
                                        {cells
                                            .into_iter()
                                            .map(|c| view! { <td class="num">{c}</td> })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
