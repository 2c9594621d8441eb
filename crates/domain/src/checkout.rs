//! What the cart builder shows: a cart as the store last answered, the products that can go
//! in it, the customer's saved addresses, and where the checkout stands (rates asked, shipping
//! set, payment methods offered).

use crate::CartStatus;
use crate::actions::{ActionView, PaymentOption, ShippingRate};
use crate::grid::Money;
use crate::grid::detail::RecordLink;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A value of a configurable product's option (color: Red).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionValue {
    pub value: i64,
    pub label: String,
}

/// An option the rep must choose for a configurable product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOptionChoice {
    pub attribute_id: i64,
    pub label: String,
    pub values: Vec<OptionValue>,
}

/// A product the cart builder offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductChoice {
    pub id: i64,
    pub magento_id: i64,
    pub sku: String,
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub price: Option<Money>,
    pub in_stock: Option<bool>,
    /// Why it cannot be added from the CRM (a bundle, disabled, not in the cart's website),
    /// or `None` when it can.
    pub not_addable: Option<String>,
    pub options: Vec<ProductOptionChoice>,
}

/// An address of the customer's synced address book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub magento_id: i64,
    /// One line: `Ana Lee, 1 Main St, Austin TX 78701, US`.
    pub label: String,
    pub is_default_billing: bool,
    pub is_default_shipping: bool,
}

/// A line of the cart as the store last answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub item_id: i64,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub product_type: Option<String>,
    #[serde(with = "crate::wire::decimal_option")]
    pub qty: Option<Decimal>,
    pub price: Option<Money>,
    pub row_total: Option<Money>,
}

/// Where the checkout of a cart stands, from the actions done since its items last changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckoutState {
    /// Rates the store offered for the address last asked about.
    pub rates: Option<Vec<ShippingRate>>,
    /// Shipping and billing set: the payment methods the store offers for this cart.
    pub payment_methods: Option<Vec<PaymentOption>>,
    /// The carrier and method of the shipping set (`flatrate_flatrate`).
    pub shipping_method: Option<String>,
    pub grand_total: Option<Money>,
}

/// The cart builder's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartBuilder {
    /// The CRM cart id.
    pub id: i64,
    pub channel_id: i64,
    pub channel: String,
    /// The Magento quote id.
    pub cart: i64,
    pub is_active: bool,
    pub status: CartStatus,
    pub customer: Option<RecordLink>,
    pub customer_magento_id: Option<i64>,
    /// The address a guest cart was opened for.
    pub guest_email: Option<String>,
    pub email: Option<String>,
    pub store_view: Option<String>,
    pub website_id: Option<i64>,
    pub currency: Option<String>,
    pub lines: Vec<CartLine>,
    pub subtotal: Option<Money>,
    pub grand_total: Option<Money>,
    pub addresses: Vec<SavedAddress>,
    pub order: Option<RecordLink>,
    /// An action on this cart still queued, sending or unresolved: the page says so and holds
    /// back "Place" until it ends.
    pub pending: Option<ActionView>,
    pub checkout: CheckoutState,
    /// This cart's latest actions, newest first.
    pub recent: Vec<ActionView>,
}

impl CartBuilder {
    /// Whether the cart can still be changed in the store.
    pub fn editable(&self) -> bool {
        self.is_active && self.order.is_none()
    }
}

impl CheckoutState {
    /// Where the checkout stands, from a cart's actions (newest first): rates and payment
    /// methods count only when asked after the cart's lines last changed (a changed cart can
    /// have other rates; Magento answers again).
    pub fn from_actions(actions: &[ActionView]) -> CheckoutState {
        use crate::actions::{ActionKind, ActionResult, ActionState};
        let mut state = CheckoutState::default();
        for a in actions {
            if a.state != ActionState::Done {
                continue;
            }
            match (&a.kind, &a.result) {
                (
                    ActionKind::CartAddItem
                    | ActionKind::CartUpdateItem
                    | ActionKind::CartRemoveItem,
                    _,
                ) => break,
                (ActionKind::CartRates, Some(ActionResult::Rates(rates)))
                    if state.rates.is_none() =>
                {
                    state.rates = Some(rates.clone());
                }
                (
                    ActionKind::CartShipping,
                    Some(ActionResult::Shipping {
                        payment_methods,
                        grand_total,
                        currency,
                        ..
                    }),
                ) if state.payment_methods.is_none() => {
                    state.payment_methods = Some(payment_methods.clone());
                    state.grand_total = grand_total.map(|t| Money::new(t, currency.as_deref()));
                    if let crate::actions::ActionCommand::CartShipping {
                        carrier, method, ..
                    } = &a.command
                    {
                        state.shipping_method = Some(format!("{carrier}_{method}"));
                    }
                }
                _ => {}
            }
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{ActionCommand, ActionKind, ActionResult, ActionState};

    fn action(
        id: i64,
        kind: ActionKind,
        state: ActionState,
        result: Option<ActionResult>,
    ) -> ActionView {
        let command = match kind {
            ActionKind::CartShipping => ActionCommand::CartShipping {
                cart: 1,
                shipping: crate::actions::AddressChoice::Saved(1),
                billing: None,
                carrier: "flatrate".into(),
                method: "flatrate".into(),
            },
            ActionKind::CartRates => ActionCommand::CartRates {
                cart: 1,
                address: crate::actions::AddressChoice::Saved(1),
            },
            _ => ActionCommand::CartRemoveItem {
                cart: 1,
                item_id: 1,
            },
        };
        ActionView {
            id,
            channel_id: 1,
            channel: "c".into(),
            kind,
            state,
            command,
            route: None,
            request: None,
            http_status: None,
            message: None,
            parameters: None,
            rendered: None,
            field: None,
            result,
            attempts: 1,
            requested_by: None,
            created_at: None,
            finished_at: None,
            customer_id: None,
            cart_id: None,
            order_id: None,
            cart_magento_id: Some(1),
        }
    }

    #[test]
    fn a_line_change_after_the_shipping_asks_for_it_again() {
        let shipping = ActionResult::Shipping {
            payment_methods: vec![crate::actions::PaymentOption {
                code: "checkmo".into(),
                title: "Check / Money order".into(),
            }],
            grand_total: None,
            shipping_amount: None,
            currency: None,
        };
        let rates = ActionResult::Rates(vec![]);
        // Newest first: shipping set after the rates, after the last line change.
        let done = [
            action(
                4,
                ActionKind::CartShipping,
                ActionState::Done,
                Some(shipping.clone()),
            ),
            action(
                3,
                ActionKind::CartRates,
                ActionState::Done,
                Some(rates.clone()),
            ),
            action(2, ActionKind::CartAddItem, ActionState::Done, None),
        ];
        let state = CheckoutState::from_actions(&done);
        assert_eq!(state.payment_methods.as_ref().map(Vec::len), Some(1));
        assert_eq!(state.shipping_method.as_deref(), Some("flatrate_flatrate"));
        assert!(state.rates.is_some());
        // A line removed since: start the checkout again.
        let mut changed = vec![action(
            5,
            ActionKind::CartRemoveItem,
            ActionState::Done,
            None,
        )];
        changed.extend(done.iter().cloned());
        assert_eq!(
            CheckoutState::from_actions(&changed),
            CheckoutState::default()
        );
        // A failed line change changed nothing.
        let mut failed = vec![action(
            5,
            ActionKind::CartAddItem,
            ActionState::Failed,
            None,
        )];
        failed.extend(done.iter().cloned());
        assert!(
            CheckoutState::from_actions(&failed)
                .payment_methods
                .is_some()
        );
    }
}
