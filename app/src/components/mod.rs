//! Building blocks shared by pages.

pub mod error;
pub mod guard;
pub mod layout;
pub mod nav;
