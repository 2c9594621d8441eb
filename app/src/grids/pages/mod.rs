//! Each entity's grid page and record page.

pub mod accounts;
pub mod carts;
pub mod credit_memos;
pub mod customers;
pub mod orders;
pub mod products;
pub mod subscribers;
