//! Record pages: one record with the names of what it links to and the counts of its tabs.
//! Fixed-shape queries, checked at compile time; related lists are grids (see `super`).

mod account;
mod cart;
mod credit_memo;
mod customer;
mod order;
mod product;
mod subscriber;

pub use account::account;
pub use cart::cart;
pub use credit_memo::credit_memo;
pub use customer::customer;
pub use order::order;
pub use product::product;
pub use subscriber::subscriber;

use domain::grid::Money;
use domain::grid::detail::RecordLink;
use rust_decimal::Decimal;

/// A link when the id is there; the label falls back to `#id`.
fn link(id: Option<i64>, label: Option<String>) -> Option<RecordLink> {
    id.map(|id| RecordLink {
        id,
        label: label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| format!("#{id}")),
    })
}

fn money(amount: Option<Decimal>, currency: &Option<String>) -> Option<Money> {
    amount.map(|a| Money::new(a, currency.as_deref()))
}
