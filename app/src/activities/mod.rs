//! Activities (issue 16, first part): calls, emails, notes and tasks on customers, accounts,
//! carts and orders, and each user's "My tasks".

pub mod api;
mod tab;
mod tasks;

#[cfg(feature = "ssr")]
pub mod server;

pub use tab::{Activities, ActivityTab, activities_data, activities_view};
pub use tasks::MyTasksPage;
