//! searchCriteria: parsing, MySQL-like value semantics, per-entity columns and execution.

pub mod columns;
pub mod criteria;
pub mod exec;
pub mod params;
mod plan;
pub mod sales_columns;
pub mod value;

pub use columns::Searchable;
pub use criteria::SearchCriteria;
pub use exec::{Paging, compile, execute};
pub use params::{Node, parse_query};
