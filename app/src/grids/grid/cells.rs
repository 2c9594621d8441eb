//! How a cell looks. Text is always text: Leptos escapes it, so a customer named
//! `<script>alert(1)</script>` shows as those characters.

use domain::grid::Cell;
use leptos::prelude::*;

pub fn cell_view(cell: Cell) -> AnyView {
    match cell {
        Cell::Empty => view! { <span class="muted" aria-label="none">"—"</span> }.into_any(),
        Cell::Link { text, href } => view! { <a href=href>{text}</a> }.into_any(),
        Cell::Badge { text, tone } => {
            view! { <span class=format!("badge tone-{}", tone.as_str())>{text}</span> }.into_any()
        }
        other => other.display().into_any(),
    }
}
