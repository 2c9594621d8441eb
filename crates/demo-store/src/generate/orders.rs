//! Order rows, totals and states: shared by generation, checkout and live mode.

use rand::Rng;
use rust_decimal::Decimal;

use super::{Rng8, Window, chance, pick, weighted};
use crate::clock::Ts;
use crate::model::{CartItem, ItemKind, Order, OrderItem, OrderState};
use crate::pricing;

/// When an order last changed. Back-office jobs write many orders in the same second: the
/// ERP's daily shipment import (16:00:00), the hourly cron canceling unpaid orders, and a
/// few mass actions; payment capture follows checkout by minutes.
pub(super) fn last_change(
    rng: &mut Rng8,
    state: OrderState,
    at: Ts,
    window: Window,
    mass: &[Ts; 3],
) -> Ts {
    const DAY: u32 = 86_400;
    let next_at = |from: Ts, period: u32, offset: u32| {
        Ts((from.0 - offset) / period * period + period + offset)
    };
    let changed = match state {
        OrderState::New | OrderState::PendingPayment => at,
        _ if chance(rng, 0.05) && mass[0] >= at => *pick(rng, mass),
        OrderState::Complete => next_at(at.plus(rng.gen_range(0..3 * DAY as i64)), DAY, 16 * 3600),
        OrderState::Canceled => next_at(at.plus(3600), 3600, 0),
        OrderState::Processing => at.plus(rng.gen_range(30..1800)),
        _ => at.plus(rng.gen_range(60..(5 * DAY as i64))),
    };
    changed.min(window.end).max(at)
}

/// Order rows from cart lines: a configurable line becomes a priced parent row and a
/// zero-priced child row, as in Magento.
pub(crate) fn order_items(
    lines: &[CartItem],
    percent_off: u32,
    tax_rate: Decimal,
    next_item: &mut u32,
) -> Vec<OrderItem> {
    let mut items = Vec::with_capacity(lines.len() * 2);
    for l in lines {
        let priced = pricing::line(l.price, l.qty, percent_off, tax_rate);
        let item_id = *next_item;
        *next_item += 1;
        let row = OrderItem {
            item_id,
            product_id: l.product_id,
            kind: if l.parent_id.is_some() {
                ItemKind::Parent
            } else {
                ItemKind::Simple
            },
            parent_item_id: None,
            quote_item_id: l.item_id,
            qty_ordered: l.qty,
            qty_invoiced: 0,
            qty_shipped: 0,
            qty_refunded: 0,
            qty_canceled: 0,
            price: l.price,
            discount_amount: priced.discount,
            tax_amount: priced.tax,
            tax_percent: tax_rate * Decimal::from(100),
        };
        items.push(row);
        if l.parent_id.is_some() {
            let child_id = *next_item;
            *next_item += 1;
            items.push(OrderItem {
                item_id: child_id,
                kind: ItemKind::Child,
                parent_item_id: Some(item_id),
                price: Decimal::ZERO,
                discount_amount: Decimal::ZERO,
                tax_amount: Decimal::ZERO,
                tax_percent: Decimal::ZERO,
                ..items[items.len() - 1].clone()
            });
        }
    }
    items
}

pub(crate) fn recompute_totals(order: &mut Order) {
    let priced = || order.items.iter().filter(|i| i.kind != ItemKind::Child);
    let subtotal: Decimal = priced().map(|i| i.row_total()).sum();
    let discount: Decimal = priced().map(|i| i.discount_amount).sum();
    let tax: Decimal = priced().map(|i| i.tax_amount).sum();
    let qty = order.total_qty_ordered();
    let shipping =
        pricing::shipping_amount(order.shipping_method, qty, subtotal).unwrap_or_default();
    order.subtotal = subtotal;
    order.discount_amount = -discount;
    order.tax_amount = tax;
    order.shipping_amount = shipping;
    order.grand_total = subtotal - discount + tax + shipping;
}

pub(super) fn draw_state(rng: &mut Rng8, age_days: u32) -> OrderState {
    use OrderState::*;
    if age_days < 3 {
        [
            New,
            Processing,
            Complete,
            PendingPayment,
            Holded,
            PaymentReview,
            Canceled,
        ][weighted(rng, &[40, 35, 10, 5, 3, 2, 5])]
    } else {
        [
            Complete,
            Canceled,
            Processing,
            Holded,
            New,
            PendingPayment,
            PaymentReview,
        ][weighted(rng, &[84, 8, 4, 1, 1, 1, 1])]
    }
}

/// Sets state, status and the paid/invoiced/shipped/canceled amounts that go with it.
pub(crate) fn apply_state(order: &mut Order, state: OrderState) {
    order.state = state;
    order.status = state.default_status();
    let paid = state.is_paid();
    let shipped = matches!(state, OrderState::Complete | OrderState::Closed);
    order.total_paid = if paid {
        order.grand_total
    } else {
        Decimal::ZERO
    };
    order.total_invoiced = order.total_paid;
    order.total_canceled = if state == OrderState::Canceled {
        order.grand_total
    } else {
        Decimal::ZERO
    };
    for item in &mut order.items {
        item.qty_invoiced = if paid { item.qty_ordered } else { 0 };
        item.qty_shipped = if shipped { item.qty_ordered } else { 0 };
        item.qty_canceled = if state == OrderState::Canceled {
            item.qty_ordered
        } else {
            0
        };
    }
}
