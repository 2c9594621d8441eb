//! Subcommands other than `serve`.

pub mod db;
pub mod user;
