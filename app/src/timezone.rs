//! The user's time zone: dates, ranges and dashboard buckets follow it, not UTC.
//!
//! A user may pin one (Your account); otherwise the browser's zone is used, which the hydrated
//! app stores in a cookie so the server renders in it too. Before the first hydration (or with
//! JavaScript off) UTC is used.

pub const TZ_COOKIE: &str = "cartwise_tz";

/// Stores the browser's time zone in a cookie when it changed (runs in the browser only).
pub fn remember_browser_time_zone() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::document;
        use wasm_bindgen::JsCast;
        // Read through the bindings, not evaluated from a string: the page's
        // Content-Security-Policy forbids `eval` and `new Function`.
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        let zone = js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        if zone.is_empty()
            || !zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        {
            return;
        }
        let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() else {
            return;
        };
        let current = doc.cookie().unwrap_or_default();
        if !current
            .split(';')
            .any(|c| c.trim() == format!("{TZ_COOKIE}={zone}"))
        {
            let _ = doc.set_cookie(&format!(
                "{TZ_COOKIE}={zone}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::TZ_COOKIE;
    use leptos::prelude::*;

    /// Parses an IANA name (`Europe/Paris`).
    pub fn parse(name: &str) -> Option<chrono_tz::Tz> {
        name.trim().parse().ok()
    }

    /// The zone of this request: the user's setting, else the browser's cookie, else UTC.
    pub fn current() -> chrono_tz::Tz {
        let session = crate::auth::server::request_session();
        if let Some(tz) = session
            .user
            .as_ref()
            .and_then(|u| u.time_zone.as_deref())
            .and_then(parse)
        {
            return tz;
        }
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get_all(http::header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(';'))
                    .filter_map(|c| c.trim().split_once('='))
                    .find(|(k, _)| *k == TZ_COOKIE)
                    .and_then(|(_, v)| parse(v))
            })
            .unwrap_or(chrono_tz::UTC)
    }

    /// Every IANA zone name, for the settings list.
    pub fn all_names() -> Vec<String> {
        chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name().to_string())
            .collect()
    }
}
