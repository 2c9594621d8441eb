//! The sync engine: reads a Magento store's entities over REST and keeps them in Postgres.
//!
//! A job runs the connectors in dependency order (dictionaries, customers, carts, orders,
//! credit memos, subscribers). Each connector walks the §7.1 keyset cursor: the next page is
//! fetched while the current one is mapped and written in one transaction with its cursor, so
//! a crash resumes exactly where the last committed page ended. Records that cannot be decoded
//! or mapped go to the sync error log with their payload; they never stop a run.

pub mod cart_status;
pub mod connect;
pub mod connectors;
pub mod isolate;
pub mod map;
pub mod outbound;
pub mod reconcile;
pub mod retry;
pub mod run;
pub mod subscribers;
pub mod worker;

pub use run::{JobOutcome, run_job};
pub use worker::{Worker, WorkerConfig};
