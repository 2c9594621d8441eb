//! The setup wizard's "Check connection".

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::client::{BodyKind, Call, RetryMode};
use crate::page::{RawPage, decode_value};
use crate::types::{StoreGroup, StoreView, Website};
use crate::{Client, Error, SearchCriteria};

/// Whether the Cartwise newsletter route (contract §11) is installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriberRoute {
    /// The route answers: subscribers (guests included) can be synced.
    Available,
    /// 404 `Request does not match any route.`: the companion module is not installed; fall
    /// back to customers' `is_subscribed` (registered customers only).
    Missing,
    /// The route exists but the integration lacks its ACL resources.
    Forbidden {
        /// The resources Magento named.
        resources: Vec<String>,
    },
}

/// What "Check connection" found.
#[derive(Clone, Debug)]
pub struct ConnectionReport {
    /// The normalised REST root that answered.
    pub rest_root: String,
    /// From the storefront's `/magento_version` (e.g. `Magento/2.4 (Community)`), when the
    /// store exposes it.
    pub magento_version: Option<String>,
    /// Websites (including `admin`, id 0).
    pub websites: Vec<Website>,
    /// Store groups.
    pub store_groups: Vec<StoreGroup>,
    /// Store views (including `admin`, id 0).
    pub store_views: Vec<StoreView>,
    /// Whether newsletter subscribers can be read from the companion route.
    pub subscriber_route: SubscriberRoute,
    /// The store's clock, from its `Date` header.
    pub server_time: Option<DateTime<Utc>>,
    /// Store clock minus ours, in seconds (positive: the store is ahead).
    pub clock_skew_seconds: Option<i64>,
}

impl Client {
    /// Checks that the store is reachable and the credentials work, without retries so the
    /// wizard answers quickly. The error is classified ([`Error`]'s `Display` says what to
    /// fix: DNS, TLS, refused, timeout, 401 token, 401 missing permission with the resource,
    /// 404 not a Magento REST API, 2FA).
    pub async fn check_connection(&self) -> Result<ConnectionReport, Error> {
        let once = |path: &str| {
            let mut call = Call::get(path);
            call.retry = RetryMode::Never;
            call
        };
        let websites = self.call(&once("store/websites")).await?;
        let server_time = websites.server_time;
        let websites: Vec<Website> = decode_value(&websites.body()?)?;
        let store_groups: Vec<StoreGroup> =
            decode_value(&self.call(&once("store/storeGroups")).await?.body()?)?;
        let store_views: Vec<StoreView> =
            decode_value(&self.call(&once("store/storeViews")).await?.body()?)?;

        let mut probe = once("cartwise/newsletter-subscribers/search");
        probe.query = SearchCriteria::new()
            .page_size(1)
            .current_page(1)
            .to_query_string();
        probe.body_kind = BodyKind::Search { page_size: 1 };
        let subscriber_route = match self.call(&probe).await {
            Ok(reply) => {
                RawPage::from_json(&reply.raw)?;
                SubscriberRoute::Available
            }
            Err(e) if e.is_missing_route() => SubscriberRoute::Missing,
            Err(Error::MissingPermission { resources, .. }) => {
                SubscriberRoute::Forbidden { resources }
            }
            Err(e) => return Err(e),
        };

        let magento_version = match self.site_root().join("magento_version") {
            Ok(url) => self
                .get_text(url, Duration::from_secs(5))
                .await
                .map(|text| text.trim().to_owned())
                .filter(|text| text.starts_with("Magento/") && text.len() < 100),
            Err(_) => None,
        };
        Ok(ConnectionReport {
            rest_root: self.rest_root().to_owned(),
            magento_version,
            websites,
            store_groups,
            store_views,
            subscriber_route,
            server_time,
            clock_skew_seconds: server_time.map(|t| (t - Utc::now()).num_seconds()),
        })
    }
}
