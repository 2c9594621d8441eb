//! Each entity's grid page and record page.

pub mod carts;
