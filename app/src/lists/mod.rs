//! Marketing lists (issue 16): saved segments of customers, carts or subscribers, built from
//! their grids ("Save as list"), with members, removals, contact counts and CSV export.

pub mod api;
mod pages;
mod save;

pub use pages::{ListPage, ListsPage};
pub use save::SaveAsList;
