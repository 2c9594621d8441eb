//! Types shared by the browser and the server. No I/O lives here: this crate compiles to WASM.

pub mod actions;
pub mod activities;
pub mod auth;
pub mod channel;
pub mod checkout;
pub mod csv;
pub mod customer_edit;
pub mod dates;
pub mod email_template;
pub mod entity;
pub mod error;
pub mod follow_up;
pub mod grid;
pub mod lists;
pub mod metrics;
pub mod origin;
pub mod rules;
pub mod sync;
pub mod wire;

pub use auth::{CurrentUser, Permission, Role, UserSummary};
pub use channel::{
    ChannelSettings, ChannelStatus, ChannelSummary, Credentials, SubscriberSource, SyncPriority,
};
pub use entity::{CartStatus, Entity};
pub use error::AppError;
pub use rust_decimal::Decimal;
