//! Connection settings and base-URL normalisation.

use std::time::Duration;

use url::Url;

use crate::{Auth, Error, RetryPolicy};

/// Everything needed to reach one store. Build with [`ClientConfig::new`] and adjust with
/// the `with_*` methods; the defaults suit a sync worker.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The store address as the user typed it: `https://shop.example.com`,
    /// `https://shop.example.com/rest`, `…/rest/default`, `…/index.php/rest/V1`, …
    pub base_url: String,
    /// A store view code (`default`, `all`, `de`, …). Overrides a code found in `base_url`;
    /// `None` keeps the URL's code, or none (`/rest/V1`, the default store).
    pub store_code: Option<String>,
    /// How requests are authenticated.
    pub auth: Auth,
    /// Verify the store's TLS certificate. Turn off only for self-signed test stores.
    pub verify_tls: bool,
    /// Limit for a whole request, from sending to the last byte of the answer.
    pub timeout: Duration,
    /// Limit for establishing the connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Requests in flight at once against this store (shared by every clone of the client).
    pub max_concurrent_requests: usize,
    /// Retries with backoff for transient failures.
    pub retry: RetryPolicy,
    /// Admin tokens live 4 hours by default; renew well before (contract §5.1).
    pub admin_token_renew_after: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// Settings with defaults: TLS verified, 60 s request timeout, 10 s connect timeout,
    /// 4 concurrent requests, default [`RetryPolicy`], admin token renewed after 3.5 h.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        Self {
            base_url: base_url.into(),
            store_code: None,
            auth,
            verify_tls: true,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_concurrent_requests: 4,
            retry: RetryPolicy::default(),
            admin_token_renew_after: Duration::from_secs(3 * 3600 + 1800),
            user_agent: concat!("Cartwise/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// Sets the store view code.
    pub fn with_store_code(mut self, code: impl Into<String>) -> Self {
        self.store_code = Some(code.into());
        self
    }

    /// Turns TLS certificate verification on or off.
    pub fn with_verify_tls(mut self, verify: bool) -> Self {
        self.verify_tls = verify;
        self
    }

    /// Sets the request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the cap on concurrent requests (at least 1).
    pub fn with_max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent_requests = n;
        self
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets when a cached admin token is renewed.
    pub fn with_admin_token_renew_after(mut self, after: Duration) -> Self {
        self.admin_token_renew_after = after;
        self
    }
}

/// The normalised addresses of a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Roots {
    /// `…/rest/[code/]V1/`: every API path is joined onto it.
    pub rest: Url,
    /// The installation root (before `rest`), for `magento_version`.
    pub site: Url,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidConfig(msg.into())
}

fn valid_code(code: &str) -> bool {
    !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Turns whatever the user typed into the REST root. A missing scheme means `https://`;
/// anything after `V1` (a pasted endpoint) is dropped.
pub(crate) fn normalise(base_url: &str, store_code: Option<&str>) -> Result<Roots, Error> {
    let typed = base_url.trim();
    if typed.is_empty() {
        return Err(invalid("the store URL is empty"));
    }
    let with_scheme = if typed.contains("://") {
        typed.to_owned()
    } else {
        format!("https://{typed}")
    };
    let mut url = Url::parse(&with_scheme)
        .map_err(|e| invalid(format!("`{typed}` is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the store URL must start with https:// or http://, not {}://",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("`{typed}` has no host name")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials inside the store URL are not supported; use the access token settings",
        ));
    }
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let rest_at = segments.iter().position(|s| s.eq_ignore_ascii_case("rest"));
    let (prefix, mut code) = match rest_at {
        None => (&segments[..], None),
        Some(i) => {
            let after = &segments[i + 1..];
            let code = match after.first() {
                None => None,
                Some(first) if first.eq_ignore_ascii_case("v1") => None,
                Some(first) => {
                    if after.get(1).is_some_and(|s| !s.eq_ignore_ascii_case("v1")) {
                        return Err(invalid(format!(
                            "unexpected path after the store code in `{typed}`: expected …/rest/{first}/V1"
                        )));
                    }
                    Some(first.clone())
                }
            };
            (&segments[..i], code)
        }
    };
    if let Some(explicit) = store_code.map(str::trim).filter(|c| !c.is_empty()) {
        code = Some(explicit.to_owned());
    }
    if let Some(c) = &code
        && !valid_code(c)
    {
        return Err(invalid(format!(
            "`{c}` is not a valid store code (letters, digits and _ only)"
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    let prefix_path: String = prefix.iter().map(|s| format!("/{s}")).collect();
    let mut site = url.clone();
    site.set_path(&format!("{prefix_path}/"));
    let rest_path = match &code {
        Some(c) => format!("{prefix_path}/rest/{c}/V1/"),
        None => format!("{prefix_path}/rest/V1/"),
    };
    url.set_path(&rest_path);
    Ok(Roots { rest: url, site })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rest(base: &str, code: Option<&str>) -> String {
        normalise(base, code)
            .map(|r| r.rest.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn every_way_of_typing_the_address_gives_the_rest_root() {
        for (typed, want) in [
            (
                "https://shop.example.com",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "https://shop.example.com/",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "https://shop.example.com/rest",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "https://shop.example.com/rest/",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "https://shop.example.com/rest/V1",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "https://shop.example.com/rest/default",
                "https://shop.example.com/rest/default/V1/",
            ),
            (
                "https://shop.example.com/rest/default/V1/",
                "https://shop.example.com/rest/default/V1/",
            ),
            (
                "https://shop.example.com/index.php/rest/V1",
                "https://shop.example.com/index.php/rest/V1/",
            ),
            (
                "https://shop.example.com/index.php",
                "https://shop.example.com/index.php/rest/V1/",
            ),
            (
                "https://shop.example.com/magento2/rest/all",
                "https://shop.example.com/magento2/rest/all/V1/",
            ),
            (
                "https://shop.example.com/rest/V1/orders?x=1#y",
                "https://shop.example.com/rest/V1/",
            ),
            (
                "  shop.example.com:8443 ",
                "https://shop.example.com:8443/rest/V1/",
            ),
            (
                "http://127.0.0.1:8080/rest/default",
                "http://127.0.0.1:8080/rest/default/V1/",
            ),
            (
                "HTTPS://Shop.Example.com/REST/de",
                "https://shop.example.com/rest/de/V1/",
            ),
        ] {
            assert_eq!(rest(typed, None), want, "{typed}");
        }
    }

    #[test]
    fn an_explicit_store_code_wins() {
        assert_eq!(
            rest("https://shop.example.com/rest/default", Some("fr")),
            "https://shop.example.com/rest/fr/V1/"
        );
        assert_eq!(
            rest("https://shop.example.com", Some(" ")),
            "https://shop.example.com/rest/V1/"
        );
        let site = normalise("https://shop.example.com/index.php/rest/default", None)
            .map(|r| r.site.to_string());
        assert_eq!(
            site.ok().as_deref(),
            Some("https://shop.example.com/index.php/")
        );
    }

    #[test]
    fn unusable_addresses_are_config_errors() {
        for typed in [
            "",
            "ftp://shop.example.com",
            "https://user:pw@shop.example.com",
            "https://shop.example.com/rest/default/orders",
            "http://",
        ] {
            assert!(
                matches!(normalise(typed, None), Err(Error::InvalidConfig(_))),
                "{typed}"
            );
        }
        assert!(matches!(
            normalise("https://shop.example.com", Some("bad code")),
            Err(Error::InvalidConfig(_))
        ));
    }
}
