//! Cartwise's user interface: pages, components and the server functions they call.
//!
//! Built twice: with `ssr` into the server (renders pages, runs server functions) and with
//! `hydrate` into the browser's WASM. Server-only code sits in `ssr` modules.

// Release builds type every view statically (no erase_components): deep pages need more room.
#![recursion_limit = "512"]

pub mod actions;
pub mod activities;
pub mod auth;
pub mod channels;
pub mod charts;
pub mod components;
pub mod customer_edit;
pub mod data;
pub mod email;
pub mod follow_ups;
pub mod format;
pub mod grids;
pub mod lists;
pub mod pages;
pub mod reports;
pub mod rules;
pub mod timezone;
pub mod users;

#[cfg(feature = "ssr")]
pub mod server;

mod shell;

pub use shell::{App, shell};
