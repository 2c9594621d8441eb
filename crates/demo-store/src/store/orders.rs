//! Order life after placement: invoicing/shipping progress, cancel, hold, and refunds
//! (credit memos). Each change bumps the order's `updated_at`.

use rust_decimal::Decimal;

use super::{Store, next_id};
use crate::error::ApiError;
use crate::generate::{apply_state, memo, memo_item};
use crate::model::{ItemKind, OrderState};

/// `POST /V1/order/{id}/refund`: which rows and how many (empty = everything refundable),
/// plus shipping and adjustments.
#[derive(Clone, Debug, Default)]
pub struct RefundRequest {
    pub items: Vec<(u32, u32)>,
    /// Default: the order's shipping when the refund empties the order, else zero.
    pub shipping_amount: Option<Decimal>,
    pub adjustment_positive: Decimal,
    pub adjustment_negative: Decimal,
}

fn not_refundable() -> ApiError {
    ApiError::bad_request("The order does not allow a creditmemo to be created.")
}

impl Store {
    /// Sets state and its default status (and the amounts that go with it).
    pub fn set_order_state(&mut self, order_id: u32, state: OrderState) -> Result<(), ApiError> {
        let now = self.now();
        self.orders
            .update(order_id, |o| {
                apply_state(o, state);
                o.updated_at = now;
            })
            .ok_or_else(ApiError::entity_missing)
    }

    /// new → processing (invoiced) → complete (shipped); false when nothing is left to do.
    pub fn advance_order(&mut self, order_id: u32) -> Result<bool, ApiError> {
        let state = self
            .orders
            .get(order_id)
            .ok_or_else(ApiError::entity_missing)?
            .state;
        let next = match state {
            OrderState::New | OrderState::PendingPayment | OrderState::PaymentReview => {
                OrderState::Processing
            }
            OrderState::Processing => OrderState::Complete,
            _ => return Ok(false),
        };
        self.set_order_state(order_id, next)?;
        Ok(true)
    }

    /// `POST /V1/orders/{id}/cancel`: false when the order cannot be canceled any more.
    pub fn cancel_order(&mut self, order_id: u32) -> Result<bool, ApiError> {
        let state = self
            .orders
            .get(order_id)
            .ok_or_else(ApiError::entity_missing)?
            .state;
        if !matches!(
            state,
            OrderState::New | OrderState::PendingPayment | OrderState::PaymentReview
        ) {
            return Ok(false);
        }
        self.set_order_state(order_id, OrderState::Canceled)?;
        Ok(true)
    }

    pub fn hold_order(&mut self, order_id: u32) -> Result<bool, ApiError> {
        let state = self
            .orders
            .get(order_id)
            .ok_or_else(ApiError::entity_missing)?
            .state;
        if !matches!(state, OrderState::New | OrderState::Processing) {
            return Err(ApiError::bad_request("A hold action is not available."));
        }
        self.set_order_state(order_id, OrderState::Holded)?;
        Ok(true)
    }

    pub fn unhold_order(&mut self, order_id: u32) -> Result<bool, ApiError> {
        let order = self
            .orders
            .get(order_id)
            .ok_or_else(ApiError::entity_missing)?;
        if order.state != OrderState::Holded {
            return Err(ApiError::bad_request("You cannot remove the hold."));
        }
        let back = if order.items.iter().any(|i| i.qty_invoiced > 0) {
            OrderState::Processing
        } else {
            OrderState::New
        };
        self.set_order_state(order_id, back)?;
        Ok(true)
    }

    /// Creates a refunded credit memo (state 2); a refund that empties the order closes it.
    pub fn refund(&mut self, order_id: u32, req: RefundRequest) -> Result<u32, ApiError> {
        let now = self.now();
        let order = self
            .orders
            .get(order_id)
            .ok_or_else(ApiError::entity_missing)?;
        if !matches!(order.state, OrderState::Processing | OrderState::Complete) {
            return Err(not_refundable());
        }
        let refundable =
            |i: &crate::model::OrderItem| i.qty_invoiced.saturating_sub(i.qty_refunded);
        let wanted: Vec<(usize, u32)> = if req.items.is_empty() {
            order
                .items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.kind != ItemKind::Child && refundable(i) > 0)
                .map(|(idx, i)| (idx, refundable(i)))
                .collect()
        } else {
            let mut rows = Vec::new();
            for (item_id, qty) in &req.items {
                let idx = order
                    .items
                    .iter()
                    .position(|i| i.item_id == *item_id && i.kind != ItemKind::Child)
                    .ok_or_else(ApiError::entity_missing)?;
                if *qty > refundable(&order.items[idx]) {
                    return Err(ApiError::bad_request(
                        "The quantity to refund must not be greater than the unrefunded quantity.",
                    ));
                }
                if *qty > 0 {
                    rows.push((idx, *qty));
                }
            }
            rows
        };
        if wanted.is_empty() {
            return Err(not_refundable());
        }
        let empties = order
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind != ItemKind::Child)
            .all(|(idx, i)| {
                wanted
                    .iter()
                    .find(|(w, _)| *w == idx)
                    .map(|(_, q)| *q)
                    .unwrap_or(0)
                    == refundable(i)
            });
        let shipping_refunded: Decimal = self
            .credit_memos
            .iter()
            .filter(|m| m.order_id == order_id && m.state == 2)
            .map(|m| m.shipping_amount)
            .sum();
        let shipping = req.shipping_amount.unwrap_or(if empties {
            order.shipping_amount - shipping_refunded
        } else {
            Decimal::ZERO
        });
        let mut order = order.clone();
        let mut items = Vec::new();
        for (idx, qty) in &wanted {
            items.push(memo_item(&order.items[*idx], *qty));
            order.items[*idx].qty_refunded += qty;
            if let Some(child) = order
                .items
                .get_mut(idx + 1)
                .filter(|c| c.kind == ItemKind::Child)
            {
                items.push(memo_item(child, *qty));
                child.qty_refunded += qty;
            }
        }
        let mut credit_memo = memo(
            &order,
            now,
            2,
            items,
            shipping,
            (req.adjustment_positive, req.adjustment_negative),
        );
        credit_memo.id = next_id(&mut self.ids.memo);
        for item in &mut credit_memo.items {
            item.entity_id = next_id(&mut self.ids.memo_item);
        }
        order.total_refunded += credit_memo.grand_total;
        if empties {
            let refunded = order.total_refunded;
            apply_state(&mut order, OrderState::Closed);
            order.total_refunded = refunded;
        }
        order.updated_at = now;
        let memo_id = credit_memo.id;
        self.orders.insert(order);
        self.credit_memos.insert(credit_memo);
        Ok(memo_id)
    }
}
