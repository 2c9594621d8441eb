//! Black-box tests of the demo store over real HTTP on loopback.

mod auth;
mod carts;
mod customers;
mod errors;
mod faults;
mod generator;
mod helpers;
mod live;
mod paging;
mod search;
