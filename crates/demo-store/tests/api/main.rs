//! Black-box tests of the demo store over real HTTP on loopback.

mod auth;
mod carts;
mod catalog;
mod checkout;
mod customer_put;
mod customers;
mod errors;
mod faults;
mod generator;
mod guest;
mod helpers;
mod live;
mod newsletter;
mod paging;
mod place_faults;
mod search;
mod stock;
