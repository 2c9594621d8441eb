//! Connection settings and base-URL normalisation.

use std::time::Duration;

use url::Url;

use crate::client::BodyKind;
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
    /// Limit for a whole request, from sending to the last byte of the answer. reqwest applies
    /// it to reading the body too, so a store that trickles an endless answer a byte at a time
    /// fails with [`Error::Timeout`](crate::Error::Timeout) when it expires (tested).
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
    /// The most the client reads of one answer, per kind of call (see [`BodyLimits`]).
    pub body_limits: BodyLimits,
}

/// The most the client reads of one answer before it gives up with
/// [`Error::TooLarge`](crate::Error::TooLarge), counted in decoded bytes (a gzip answer is
/// measured after inflating, so a small compressed bomb is stopped like a large plain body).
///
/// A store that answers more than any real Magento page is broken or hostile; without a cap
/// one answer could take the whole process down. The defaults leave a wide margin over what
/// Magento 2.4 actually sends (JSON as its REST API renders it):
///
/// * a customer with a few addresses is 1–3 KB, a cart 2–10 KB, a product 3–10 KB; an order
///   is 8–20 KB for the 1–3 lines of a retail order, and each line adds 3–5 KB (it appears
///   twice, in `items` and in the shipping assignments, with its configurable parent). A page
///   of 300 retail orders is 3–6 MB. The default, 2 MiB plus 100 KiB per requested record,
///   allows 31.3 MiB for a 300-record page (five times that, or an average of about twenty
///   lines per order over the whole page) and 2.1 MiB for the one-record pages of probes and
///   isolation (an order of some 400 lines). The limit follows the requested `pageSize`, so
///   a store cannot hide a huge answer behind a small page; a store whose records really are
///   heavier syncs with a smaller page size, where the base is shared by fewer records;
/// * the largest single answers are `directory/countries` (every country with its regions,
///   about 250 KB) and an order of a few hundred lines (1–2 MB): 8 MiB;
/// * `/magento_version` answers `Magento/2.4 (Community)`: 64 KiB is already generous.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimits {
    /// A search page may hold this much whatever its size (the envelope, `search_criteria`).
    pub search_base: usize,
    /// …plus this much per record the page asked for (`pageSize`).
    pub search_per_record: usize,
    /// One record, a dictionary, a write's answer, an admin token.
    pub single: usize,
    /// A plain-text probe outside the REST API (`/magento_version`).
    pub probe: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        Self {
            search_base: 2 * MIB,
            search_per_record: 100 * KIB,
            single: 8 * MIB,
            probe: 64 * KIB,
        }
    }
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

impl BodyLimits {
    /// The limit for a search page of `page_size` records.
    pub fn search(&self, page_size: u32) -> usize {
        let per_page = self
            .search_per_record
            .saturating_mul(usize::try_from(page_size).unwrap_or(usize::MAX));
        self.search_base.saturating_add(per_page)
    }

    /// The limit for a call.
    pub(crate) fn of(&self, kind: BodyKind) -> usize {
        match kind {
            BodyKind::Search { page_size } => self.search(page_size),
            BodyKind::Single => self.single,
        }
    }
}

impl ClientConfig {
    /// Settings with defaults: TLS verified, 60 s request timeout, 10 s connect timeout,
    /// 4 concurrent requests, default [`RetryPolicy`], admin token renewed after 3.5 h,
    /// default [`BodyLimits`].
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
            body_limits: BodyLimits::default(),
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

    /// Sets the most the client reads of one answer, per kind of call.
    pub fn with_body_limits(mut self, limits: BodyLimits) -> Self {
        self.body_limits = limits;
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
