//! Credit memos: the generated ~8% of refunded orders and the memo arithmetic that
//! API refunds reuse.

use rand::Rng;
use rust_decimal::Decimal;

use super::{Rng8, Window, pick, weighted};
use crate::clock::Ts;
use crate::model::{CreditMemo, CreditMemoItem, ItemKind, Order, OrderItem, OrderState};
use crate::pricing;

use super::orders::apply_state;

/// ~8% of orders get refunds: 5% full (order closed), 3% partial with open, refunded or
/// canceled memos. Memo ids follow memo time.
pub(super) fn refunds(rng: &mut Rng8, orders: &mut [Order], window: Window) -> Vec<CreditMemo> {
    let mut memos: Vec<CreditMemo> = Vec::new();
    for order in orders.iter_mut() {
        if !matches!(order.state, OrderState::Complete | OrderState::Processing) {
            continue;
        }
        let roll = rng.r#gen::<f64>();
        if roll >= 0.09 {
            continue;
        }
        let at = window
            .after(rng, order.created_at.plus(3600))
            .max(order.updated_at);
        let memo = if roll < 0.055 {
            let memo = full_refund(order, at);
            apply_state(order, OrderState::Closed);
            memo
        } else {
            let state = [2u8, 1, 3][weighted(rng, &[90, 6, 4])];
            let adjustment = [(0, 0), (0, 500), (200, 0)][weighted(rng, &[80, 12, 8])];
            partial_refund(rng, order, at, state, adjustment)
        };
        if memo.state == 2 {
            order.total_refunded += memo.grand_total;
        }
        order.updated_at = at;
        memos.push(memo);
    }
    memos.sort_by_key(|m| m.created_at);
    let mut next_item = 1u32;
    for (i, memo) in memos.iter_mut().enumerate() {
        memo.id = i as u32 + 1;
        for item in &mut memo.items {
            item.entity_id = next_item;
            next_item += 1;
        }
    }
    memos
}

pub(crate) fn full_refund(order: &mut Order, at: Ts) -> CreditMemo {
    let mut items = Vec::new();
    for item in &mut order.items {
        item.qty_refunded = item.qty_ordered;
        items.push(memo_item(item, item.qty_ordered));
    }
    memo(
        order,
        at,
        2,
        items,
        order.shipping_amount,
        (Decimal::ZERO, Decimal::ZERO),
    )
}

pub(crate) fn partial_refund(
    rng: &mut Rng8,
    order: &mut Order,
    at: Ts,
    state: u8,
    (plus_cents, minus_cents): (i64, i64),
) -> CreditMemo {
    let priced: Vec<usize> = (0..order.items.len())
        .filter(|i| order.items[*i].kind != ItemKind::Child)
        .collect();
    let idx = *pick(rng, &priced);
    let mut items = vec![memo_item(&order.items[idx], 1)];
    if let Some(child) = order
        .items
        .get(idx + 1)
        .filter(|c| c.kind == ItemKind::Child)
    {
        items.push(memo_item(child, 1));
    }
    if state == 2 {
        order.items[idx].qty_refunded += 1;
        if let Some(child) = order
            .items
            .get_mut(idx + 1)
            .filter(|c| c.kind == ItemKind::Child)
        {
            child.qty_refunded += 1;
        }
    }
    let adjustment = (pricing::money(plus_cents), pricing::money(minus_cents));
    memo(order, at, state, items, Decimal::ZERO, adjustment)
}

/// A memo row for `qty` units of an order row; discount and tax are prorated per unit.
pub(crate) fn memo_item(item: &OrderItem, qty: u32) -> CreditMemoItem {
    let share = |v: Decimal| {
        pricing::round2(v * Decimal::from(qty) / Decimal::from(item.qty_ordered.max(1)))
    };
    CreditMemoItem {
        entity_id: 0,
        order_item_id: item.item_id,
        product_id: item.product_id,
        kind: item.kind,
        qty,
        price: item.price,
        discount_amount: share(item.discount_amount),
        tax_amount: share(item.tax_amount),
    }
}

pub(crate) fn memo(
    order: &Order,
    at: Ts,
    state: u8,
    items: Vec<CreditMemoItem>,
    shipping: Decimal,
    (plus, minus): (Decimal, Decimal),
) -> CreditMemo {
    let subtotal: Decimal = items.iter().map(|i| i.row_total()).sum();
    let discount: Decimal = items.iter().map(|i| i.discount_amount).sum();
    let tax: Decimal = items.iter().map(|i| i.tax_amount).sum();
    CreditMemo {
        id: 0,
        order_id: order.id,
        store_id: order.store_id,
        state,
        created_at: at,
        updated_at: at,
        items,
        subtotal,
        discount_amount: -discount,
        tax_amount: tax,
        shipping_amount: shipping,
        adjustment_positive: plus,
        adjustment_negative: minus,
        grand_total: subtotal - discount + tax + shipping + plus - minus,
        email_sent: true,
    }
}
