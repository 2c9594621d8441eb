//! The grids' server functions. Each checks the role first, then calls `super::server` (reads)
//! or the store (writes). Reads are GET (`input = GetUrl`): a grid page is a link.

mod actions;
mod exports;
mod lists;
mod records;
mod views;

pub use actions::*;
pub use exports::*;
pub use lists::*;
pub use records::*;
pub use views::*;
