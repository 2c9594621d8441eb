//! Typed routes: searches, single reads, dictionaries and the writes the CRM makes.

mod reads;
mod search;
mod writes;

pub use writes::{StoreWrite, WriteMethod, answered_id};
