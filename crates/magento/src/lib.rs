//! Magento 2 / Adobe Commerce REST client used by the Cartwise sync engine and server.
//!
//! The contract it follows is `magento-api.md` (shared design notes). In short:
//!
//! * [`Client`] talks to one store: base URL normalised to a REST root
//!   (`…/rest/<code>/V1/`), Bearer / OAuth 1.0a / admin-password auth, retries with
//!   backoff and jitter, a cap on concurrent requests, the store clock from `Date`.
//! * [`types`] holds tolerant wire types: every field optional, ids as strings or
//!   numbers, booleans as `true`/`1`/`"1"`, money as exact [`rust_decimal::Decimal`],
//!   unknown fields kept as JSON.
//! * [`SearchCriteria`] builds (and parses) Magento's `searchCriteria[...]` query strings.
//! * Search responses decode record by record ([`SearchPage`]): one malformed record
//!   becomes a [`RecordError`] carrying its raw JSON, the rest of the page is kept.
//! * [`OffsetPager`], [`KeysetPager`] and [`IdScan`] walk result sets without ever
//!   trusting a page past the end.
//! * [`Error`] classifies every failure into something an admin can act on.
//!
//! An incremental sync of orders, committing the cursor with each page:
//!
//! ```no_run
//! use chrono::{Duration, Utc};
//! use magento::resources::Orders;
//! use magento::{Auth, Client, ClientConfig, KeysetCursor};
//!
//! # async fn sync(saved: Option<KeysetCursor>) -> Result<(), magento::Error> {
//! let client = Client::new(ClientConfig::new("https://shop.example.com", Auth::bearer("token")))?;
//! let report = client.check_connection().await?;
//! // Bound the window by the store's clock, minus a lag for late commits (contract §7.1).
//! let upper = report.server_time.unwrap_or_else(Utc::now) - Duration::seconds(60);
//! let start = saved.unwrap_or(KeysetCursor::start(upper - Duration::days(365)));
//! let mut pager = client.keyset_pager::<Orders>(start, upper, 100);
//! while let Some(batch) = pager.next_page().await? {
//!     for record in &batch.page.items {
//!         match record {
//!             Ok(order) => { /* map and upsert */ let _ = order.grand_total; }
//!             Err(bad) => { /* sync error log: bad.id, bad.page_path(), bad.raw */ let _ = bad; }
//!         }
//!     }
//!     // Commit `batch.cursor` in the same transaction as the page.
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod auth;
mod client;
mod config;
mod connection;
mod criteria;
mod endpoints;
mod error;
mod http;
mod oauth;
mod page;
mod paging;
pub mod resources;
mod retry;
pub mod types;

pub use auth::Auth;
pub use client::Client;
pub use config::{BodyLimits, ClientConfig};
pub use connection::{ConnectionReport, SubscriberRoute};
pub use criteria::{
    Condition, CriteriaParseError, Direction, Filter, FilterValue, SearchCriteria, SortOrder,
    magento_datetime,
};
pub use endpoints::{StoreWrite, WriteMethod, answered_id};
pub use error::{ConnectionKind, Error, StoreMessage, TimeoutPhase};
pub use page::{RecordError, SearchPage, decode_record, digest};
pub use paging::{IdPage, IdScan, KeysetCursor, KeysetPage, KeysetPager, OffsetPager};
pub use resources::{Incremental, Resource};
pub use retry::RetryPolicy;

/// Largest `pageSize` a Magento store with input limits enabled accepts (contract §4.2).
pub const MAX_PAGE_SIZE: u32 = 300;
