//! The cartwise server: configuration, the embedded Postgres, HTTP, sessions and the CLI.
//! `main.rs` only parses the command line and dispatches here, so tests can drive every part.

// The app's pages are monomorphised here; release builds (fully typed views) need the room.
#![recursion_limit = "512"]

pub mod bench;
pub mod cli;
pub mod commands;
pub mod database;
pub mod demo;
pub mod embedded_pg;
pub mod http;
pub mod logging;
pub mod secret_key;
pub mod serve;
pub mod web;
