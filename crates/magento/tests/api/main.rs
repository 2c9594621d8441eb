//! Black-box tests of the Magento client against an in-process fake store (loopback only).

mod auth;
mod concurrency;
mod connection;
mod criteria;
mod decoding;
mod errors;
mod fixtures;
mod helpers;
mod limits;
mod logging;
mod paging;
mod retry;
mod tls;
mod writes;
