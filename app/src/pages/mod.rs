//! Top-level pages that belong to no single domain.

pub mod account;
pub mod dashboard;
pub mod login;
pub mod not_found;
