//! Grid forms are plain GET forms named after the URL contract, so they work without
//! JavaScript. With JavaScript, submitting one navigates in place to the canonical URL of the
//! same fields (blank fields dropped, repeated fields joined): short, shareable links.

#[cfg(feature = "hydrate")]
use crate::grids::codec;
use leptos::prelude::*;

/// A GET form for a grid's state.
#[component]
pub fn GridForm(
    path: String,
    class: &'static str,
    label: &'static str,
    children: Children,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let target = path.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(pairs) = browser::form_pairs(&ev) {
                ev.prevent_default();
                let url = codec::href(&target, &canonical(pairs));
                navigate(&url, Default::default());
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &navigate, &target);
    };
    view! {
        <form method="get" action=path class=class aria-label=label on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The canonical parameters of a submitted form: blank values dropped; `key_match=eq` turns
/// `key` into `key_eq`; a date preset drops the custom dates (and "custom" drops itself);
/// repeated keys (checkboxes) joined by commas where the first one stood.
#[cfg_attr(not(any(feature = "hydrate", test)), allow(dead_code))]
pub fn canonical(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let value_of = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in &pairs {
        let value = value.trim();
        if value.is_empty() || key.ends_with("_match") {
            continue;
        }
        if key.ends_with("_preset") && value == "custom" {
            continue;
        }
        let base = key
            .strip_suffix("_min")
            .or_else(|| key.strip_suffix("_max"));
        if let Some(base) = base
            && value_of(&format!("{base}_preset")).is_some_and(|p| !p.is_empty() && p != "custom")
        {
            continue;
        }
        let key = if value_of(&format!("{key}_match")).as_deref() == Some("eq") {
            format!("{key}_eq")
        } else {
            key.clone()
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            None => out.push((key, value.to_string())),
        }
    }
    out
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::JsCast;

    /// The form's fields, in document order.
    pub fn form_pairs(ev: &leptos::ev::SubmitEvent) -> Option<Vec<(String, String)>> {
        let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        let mut pairs = Vec::new();
        for entry in data.entries().into_iter().flatten() {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            let key = entry.get(0).as_string()?;
            let value = entry.get(1).as_string().unwrap_or_default();
            pairs.push((key, value));
        }
        Some(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_submitted_form_becomes_the_short_canonical_url() {
        let submitted = pairs(&[
            ("email_match", "contains"),
            ("email", " ann "),
            ("name_match", "eq"),
            ("name", "Ann O'Brien"),
            ("status", "open"),
            ("status", "lost"),
            ("grand_total_min", ""),
            ("grand_total_max", "50"),
            ("created_at_preset", "last_7_days"),
            ("created_at_min", "2026-01-01"),
            ("updated_at_preset", "custom"),
            ("updated_at_min", "2026-02-01"),
            ("abandoned", ""),
            ("sort", "-grand_total"),
        ]);
        assert_eq!(
            canonical(submitted),
            pairs(&[
                ("email", "ann"),
                ("name_eq", "Ann O'Brien"),
                ("status", "open,lost"),
                ("grand_total_max", "50"),
                ("created_at_preset", "last_7_days"),
                ("updated_at_min", "2026-02-01"),
                ("sort", "-grand_total"),
            ])
        );
    }
}
