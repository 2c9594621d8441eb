//! How a demo store is set up: data, credentials, Magento-version switches, live changes
//! and faults.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{PaymentMethod, ShippingMethod};

#[derive(Clone, Debug)]
pub struct DemoStoreConfig {
    pub seed: u64,
    /// Number of generated orders (customers ≈ 0.3×, carts ≈ 1.2×).
    pub scale: usize,
    /// The instant the two-year history ends at; None = now rounded down to the hour.
    pub anchor: Option<DateTime<Utc>>,
    pub auth: AuthConfig,
    pub paging: PagingMode,
    /// Magento's optional input limits: default pageSize 20, maximum 300.
    pub input_limits: bool,
    /// Serve the Cartwise companion route `/V1/cartwise/newsletter-subscribers/search`.
    pub subscriber_route: bool,
    pub live: Option<LiveConfig>,
    pub faults: FaultConfig,
    /// Quotes not updated for this many days are purged (Magento "Quote Lifetime").
    pub quote_lifetime_days: u32,
    /// Payment and shipping methods switched on (Magento's defaults: checkmo, flatrate).
    pub checkout: CheckoutConfig,
    /// Simple products (`BENCH-000001`, ...) added to the catalogue for benchmarks; they are
    /// in no generated order, so the rest of the data does not change.
    pub extra_products: u32,
    /// How customer saves behave (Magento version and newsletter config).
    pub customers: CustomerConfig,
}

impl Default for DemoStoreConfig {
    fn default() -> Self {
        DemoStoreConfig {
            seed: 1,
            scale: 2000,
            anchor: None,
            auth: AuthConfig::default(),
            paging: PagingMode::V24,
            input_limits: false,
            subscriber_route: true,
            live: None,
            faults: FaultConfig::default(),
            quote_lifetime_days: 30,
            checkout: CheckoutConfig::default(),
            extra_products: 0,
            customers: CustomerConfig::default(),
        }
    }
}

/// Default demo credentials (also printed by the binary).
pub const DEMO_BEARER_TOKEN: &str = "cartwise-demo-token";
pub const DEMO_ADMIN_USER: &str = "admin";
pub const DEMO_ADMIN_PASSWORD: &str = "admin123";

#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// Accepted `Authorization: Bearer` tokens (integration tokens with the bearer switch on).
    pub bearer_tokens: Vec<String>,
    /// Integration credentials for OAuth 1.0a signed requests.
    pub oauth: Option<OAuthCredentials>,
    /// Admin users that may call `POST /V1/integration/admin/token`.
    pub admin_users: Vec<(String, String)>,
    /// Magento_TwoFactorAuth: the admin token route refuses and points to the 2FA routes.
    pub two_factor_required: bool,
    /// ACL resources the credentials lack: routes needing them answer 401 `%resources`.
    pub acl_denied: Vec<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            bearer_tokens: vec![DEMO_BEARER_TOKEN.to_string()],
            oauth: Some(OAuthCredentials::demo()),
            admin_users: vec![(DEMO_ADMIN_USER.to_string(), DEMO_ADMIN_PASSWORD.to_string())],
            two_factor_required: false,
            acl_denied: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthCredentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub access_token_secret: String,
}

impl OAuthCredentials {
    /// 32-character values, the length Magento generates and checks.
    pub fn demo() -> Self {
        OAuthCredentials {
            consumer_key: "cwdemoconsumerkey000000000000001".into(),
            consumer_secret: "cwdemoconsumersecret000000000001".into(),
            access_token: "cwdemoaccesstoken000000000000001".into(),
            access_token_secret: "cwdemoaccesstokensecret000000001".into(),
        }
    }
}

/// Behaviour of `currentPage` past the last page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PagingMode {
    /// 2.4: an empty `items` list with the real `total_count`.
    #[default]
    V24,
    /// 2.0–2.3: the last page again.
    V23,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiveConfig {
    pub events_per_second: f64,
}

/// Fault shares are probabilities in 0..1 per request (`malformed_records`: per record).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    pub seed: u64,
    pub error_500: f64,
    pub error_503: f64,
    pub error_429: f64,
    pub hang: f64,
    pub hang_duration: Duration,
    pub slow: f64,
    pub slow_duration: Duration,
    pub malformed_records: f64,
    /// Share of records that break any full-record page they are on with a 500 (like Magento
    /// issue 26087: a cart whose coupon points at a disabled product). Id-only projections
    /// (`fields=`) and pages without them still work, so a client can isolate them.
    pub poisoned_records: f64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            error_500: 0.0,
            error_503: 0.0,
            error_429: 0.0,
            hang: 0.0,
            hang_duration: Duration::from_secs(120),
            slow: 0.0,
            slow_duration: Duration::from_millis(1500),
            malformed_records: 0.0,
            poisoned_records: 0.0,
        }
    }
}

impl FaultConfig {
    pub fn is_quiet(&self) -> bool {
        self.error_500 + self.error_503 + self.error_429 + self.hang + self.slow <= 0.0
    }
}

/// Which offline payment methods and carriers are active (`payment/*/active`,
/// `carriers/*/active`). `free` needs no switch: Magento offers it exactly when the grand
/// total is zero, and then nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutConfig {
    pub payment_methods: Vec<PaymentMethod>,
    pub shipping_methods: Vec<ShippingMethod>,
}

impl Default for CheckoutConfig {
    /// A fresh Magento install: Check / Money order and Flat Rate only.
    fn default() -> Self {
        CheckoutConfig {
            payment_methods: vec![PaymentMethod::Checkmo],
            shipping_methods: vec![ShippingMethod::Flatrate],
        }
    }
}

impl CheckoutConfig {
    /// Every offline method and carrier on (what stores that take phone orders configure).
    pub fn all() -> Self {
        CheckoutConfig {
            payment_methods: PaymentMethod::OFFLINE.to_vec(),
            shipping_methods: ShippingMethod::ALL.to_vec(),
        }
    }
}

/// Faults of `PUT …/order` (and guest `payment-information`), for testing a client's
/// handling of an order it cannot confirm. Counters count down per placing request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceOrderFaults {
    /// The next N placing calls answer 400 `The cart is locked for processing. Please try
    /// again later.` (2.4.7 CartMutex) and place nothing.
    pub cart_lock: u32,
    /// The next N placing calls create the order, then drop the connection without an
    /// answer: the client sees a transport error, the order exists.
    pub drop_after_place: u32,
    /// Every placing call that creates an order waits this long before answering (zero =
    /// off), so a client timeout fires after the order exists.
    pub hang_after_place: Duration,
}

/// Customer-save switches, settable at start and through `/_demo/customers`. The default is
/// a fresh 2.4.1+ store: partial PUT, newsletter without double opt-in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerConfig {
    /// Magento <= 2.4.0 `PUT /V1/customers/{id}`: the body is the whole customer (omitted
    /// optional fields are cleared, a body without `email` is refused). Off: 2.4.1+, where
    /// `UpdateCustomer::beforeSave` overwrites only the keys sent.
    pub full_put: bool,
    /// `newsletter/subscription/confirm`: subscribing gives status 2 Not Activated (the
    /// shopper must click the e-mailed link) instead of 1 Subscribed.
    pub newsletter_confirm: bool,
    /// Magento 2.4.7's regression (#38878, fixed in 2.4.7-p4): an address carrying
    /// `default_billing`/`default_shipping` flags in a customer save is refused with "The
    /// %fieldName value is invalid…"; the defaults must be set by id on the customer instead.
    #[serde(default)]
    pub reject_address_default_flags: bool,
}
