//! Grids and record pages (issue 6): the columns and filters of every grid, the query a grid's
//! URL carries (page, page size, sort, filters, columns, saved view), its validation, and the
//! rows, cells and record details that come back.
//!
//! Shared by the browser (to draw a grid and build its links) and the server (to validate a URL
//! and build SQL from it), so the two can never disagree on what a URL means.

mod cell;
mod field;
mod parse;
mod query;

pub mod accounts;
pub mod carts;
pub mod codec;
pub mod credit_memos;
pub mod customers;
pub mod detail;
pub mod lines;
pub mod opportunities;
pub mod orders;
pub mod products;
pub mod subscribers;
pub mod view;

pub use cell::{Cell, GridPage, GridRecord, LocalTime, Money, Tone, format_decimal, format_qty};
pub use field::{Choice, FieldDef, FilterKind, GridField};
pub use parse::{MAX_TEXT_LEN, parse};
pub use query::{
    Condition, DEFAULT_PER_PAGE, DatePreset, Filter, GridQuery, PER_PAGE_CHOICES, RESERVED_KEYS,
    Sort,
};
