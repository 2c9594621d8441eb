//! A Magento-2-compatible REST store for Cartwise's demo, tests and benchmarks.
//!
//! - [`generate`] builds a deterministic two-year history at any scale (a seed, a number of
//!   orders, an anchor instant) as Rust records ([`Dataset`]).
//! - [`spawn`] serves it over HTTP like Magento 2.4's web API: routes, searchCriteria,
//!   auth (Bearer, admin tokens, OAuth 1.0a), errors, paging quirks, fault injection and
//!   optional live changes. [`router`] gives the bare axum app.
//! - [`to_json`] renders any record to its exact Magento JSON, so tests elsewhere can compute
//!   expected values without going through the CRM.
//!
//! It deliberately shares no code with the `magento` client crate: both implement the same
//! contract (`magento-api.md`) independently.

mod api;
mod clock;
mod config;
mod error;
mod faults;
mod generate;
mod json;
mod live;
mod model;
pub mod pricing;
mod query;
mod render;
mod server;
mod store;

pub use api::{ADMIN_TOKEN_SECS, router};
pub use clock::{Clock, Ts};
pub use config::{
    AuthConfig, CheckoutConfig, CustomerConfig, DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER,
    DEMO_BEARER_TOKEN, DemoStoreConfig, FaultConfig, LiveConfig, OAuthCredentials, PagingMode,
    PlaceOrderFaults,
};
pub use error::{ApiError, Params};
pub use faults::malformation;
pub use generate::{
    Dataset, EXTRA_SKU_PREFIX, HISTORY_DAYS, base_product_count, default_anchor, generate,
    generate_with_products,
};
pub use live::LiveEvent;
pub use model::*;
pub use render::{Malform, RecordRef, RenderCtx, to_json};
pub use server::{DemoStoreHandle, spawn};
pub use store::{
    DemoStats, NewAddress, NewCustomer, PaymentInput, RefundRequest, Row, SharedStore, Store, Table,
};
