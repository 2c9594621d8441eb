//! Money rules shared by the generator, checkout and the renderers, so a generated order,
//! an order placed through the API and its cart's totals always agree to the cent.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{Cart, Catalog, ShippingMethod};

/// Cart price rules: coupon code, rule id, percent off the item rows.
pub const COUPONS: [(&str, u32, u32); 4] = [
    ("SAVE10", 1, 10),
    ("WELCOME5", 2, 5),
    ("SUMMER15", 3, 15),
    ("VIP20", 4, 20),
];

pub fn coupon(code: &str) -> Option<(&'static str, u32, u32)> {
    COUPONS
        .into_iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
}

/// PHP `round($x, 2)`: half away from zero.
pub fn round2(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// Discount, tax and total of one priced row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub row_total: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
}

pub fn line(price: Decimal, qty: u32, percent_off: u32, tax_rate: Decimal) -> Line {
    let row_total = price * Decimal::from(qty);
    let discount = round2(row_total * Decimal::from(percent_off) / Decimal::from(100));
    let tax = round2((row_total - discount) * tax_rate);
    Line {
        row_total,
        discount,
        tax,
    }
}

/// Shipping price of a method for a cart of `qty` items worth `subtotal`; None when the
/// method is not offered (free shipping needs 100 of subtotal).
pub fn shipping_amount(method: ShippingMethod, qty: u32, subtotal: Decimal) -> Option<Decimal> {
    match method {
        ShippingMethod::Flatrate => Some(money(500) * Decimal::from(qty)),
        ShippingMethod::TablerateBestway => Some(if subtotal < money(5000) {
            money(1500)
        } else if subtotal < money(10000) {
            money(1000)
        } else {
            money(500)
        }),
        ShippingMethod::Freeshipping => (subtotal >= money(10000)).then_some(Decimal::ZERO),
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    pub items_qty: u32,
    /// Quantity of items that ship (virtual ones do not): what per-item rates count.
    pub shipped_qty: u32,
    pub subtotal: Decimal,
    /// Negative or zero.
    pub discount: Decimal,
    pub shipping: Decimal,
    pub tax: Decimal,
    pub grand_total: Decimal,
}

/// Totals of a cart as Magento's collectors would compute them.
pub fn cart_totals(cart: &Cart, catalog: &Catalog) -> Totals {
    let rate = catalog.website_of_store(cart.store_id).tax_rate;
    let pct = cart
        .coupon_code
        .as_deref()
        .and_then(coupon)
        .map(|c| c.2)
        .unwrap_or(0);
    let mut t = Totals::default();
    for item in &cart.items {
        let l = line(item.price, item.qty, pct, rate);
        t.items_qty += item.qty;
        if !catalog.is_virtual(item.product_id) {
            t.shipped_qty += item.qty;
        }
        t.subtotal += l.row_total;
        t.discount -= l.discount;
        t.tax += l.tax;
    }
    t.shipping = cart
        .shipping_method
        .filter(|_| t.shipped_qty > 0)
        .and_then(|m| shipping_amount(m, t.shipped_qty, t.subtotal))
        .unwrap_or_default();
    t.grand_total = t.subtotal + t.discount + t.shipping + t.tax;
    t
}

/// `Quote::isVirtual`: items, and all of them virtual (an empty cart is not virtual).
pub fn is_virtual(cart: &Cart, catalog: &Catalog) -> bool {
    !cart.items.is_empty() && cart.items.iter().all(|i| catalog.is_virtual(i.product_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_half_away_from_zero() {
        let l = line(money(1999), 3, 15, Decimal::new(20, 2));
        assert_eq!(l.row_total, money(5997));
        assert_eq!(l.discount, money(900)); // 8.9955 -> 9.00
        assert_eq!(l.tax, money(1019)); // 50.97 * 0.2 = 10.194
    }

    #[test]
    fn free_shipping_needs_a_hundred() {
        assert_eq!(
            shipping_amount(ShippingMethod::Freeshipping, 1, money(9999)),
            None
        );
        assert_eq!(
            shipping_amount(ShippingMethod::Flatrate, 3, money(10)),
            Some(money(1500))
        );
    }
}
