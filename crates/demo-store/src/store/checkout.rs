//! `PUT /V1/carts/{id}/order`, in `QuoteManagement::placeOrder`'s order: the payment given
//! is imported, an empty cart is deactivated and refused, QuoteValidator's rules run, stock
//! is re-checked, a registered customer's new addresses go into the address book, then the
//! order is created, stock goes down, and the cart turns inactive with `reserved_order_id`.

use std::sync::Arc;

use super::address_rules::address_errors;
use super::{Store, next_id};
use crate::error::ApiError;
use crate::generate::{apply_state, order_items, recompute_totals};
use crate::model::{
    Cart, CustomerAddress, Order, OrderAddress, OrderState, QuoteAddress, ShippingMethod, text,
};
use crate::pricing;

/// `paymentMethod` of a placing or `selected-payment-method` request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentInput {
    pub method: String,
    /// Required by `purchaseorder`.
    pub po_number: Option<String>,
}

impl PaymentInput {
    pub fn method(code: &str) -> Self {
        PaymentInput {
            method: code.to_string(),
            po_number: None,
        }
    }
}

const SERVER_ERROR: &str =
    "A server error stopped your order from being placed. Please try to place your order again.";

impl Store {
    /// Test and live-mode shortcut: completes whatever the cart lacks — addresses (the
    /// customer's defaults, or a generated address and e-mail for guests), the cheapest
    /// active shipping method, the cart's payment method or the first available one — then
    /// places the order. Returns the order id.
    pub fn checkout(&mut self, cart_id: u32) -> Result<u32, ApiError> {
        self.checkout_with_payment(cart_id, None)
    }

    /// `checkout` paying with `payment` when it is available for the cart.
    pub fn checkout_with_payment(
        &mut self,
        cart_id: u32,
        payment: Option<&str>,
    ) -> Result<u32, ApiError> {
        let cart = self.active_cart(cart_id)?.clone();
        let address = match cart.shipping.clone().or(cart.billing.clone()) {
            Some(a) => a,
            None => self.stand_in_address(&cart),
        };
        let billing = cart.billing.clone().unwrap_or_else(|| address.clone());
        if self.is_virtual_cart(&cart) {
            self.set_billing_address(cart_id, billing, false)?;
        } else {
            let rates = self.shipping_rates(cart_id)?;
            let Some((method, _)) = rates.iter().min_by_key(|(_, amount)| *amount).copied() else {
                return Err(ApiError::bad_request(
                    "The shipping method is missing. Select the shipping method and try again.",
                ));
            };
            self.set_shipping_information(
                cart_id,
                Some(address),
                Some(billing),
                method.carrier_code(),
                method.method_code(),
            )?;
        }
        let available = self.payment_methods(cart_id)?;
        let code = payment
            .into_iter()
            .chain(cart.payment_method.map(|m| m.code()))
            .find(|code| available.iter().any(|m| m.code() == *code))
            .or(available.first().map(|m| m.code()))
            .unwrap_or("checkmo")
            .to_string();
        self.place_order(cart_id, Some(&code))
    }

    /// The customer's default shipping address, or a generated one (with an e-mail) for a
    /// guest or a customer without an address book.
    fn stand_in_address(&mut self, cart: &Cart) -> QuoteAddress {
        let customer = cart
            .customer_id
            .and_then(|id| self.customers.get(id))
            .cloned();
        let saved = customer.as_ref().and_then(|c| {
            c.default_shipping_address()
                .map(|a| (a.postal.clone(), a.id))
        });
        let website = self.catalog.website_of_store(cart.store_id).id;
        let (postal, address_id) = match saved {
            Some((p, id)) => (p, Some(id)),
            None => (
                Arc::new(crate::generate::random_postal(
                    &mut self.people,
                    &mut self.rng,
                    website,
                )),
                None,
            ),
        };
        let email = customer
            .map(|c| c.email.clone())
            .or(cart.customer_email.clone())
            .unwrap_or_else(|| text(&format!("guest{}@example.net", cart.id)));
        QuoteAddress {
            postal,
            email: Some(email),
            customer_address_id: address_id,
        }
    }

    /// Places an order from an active cart; returns the order's entity id.
    pub fn place_order(&mut self, cart_id: u32, payment: Option<&str>) -> Result<u32, ApiError> {
        self.place_order_with(cart_id, payment.map(PaymentInput::method).as_ref())
    }

    /// `place_order` with a full `paymentMethod` (e.g. a purchase order number).
    pub fn place_order_with(
        &mut self,
        cart_id: u32,
        payment: Option<&PaymentInput>,
    ) -> Result<u32, ApiError> {
        let mut cart = self.active_cart(cart_id)?.clone();
        if let Some(input) = payment {
            // Imported into the quote in memory: saved only with the order.
            cart.payment_method = Some(self.import_payment(&cart, input)?);
        }
        if cart.items.is_empty() {
            // `submit` returns no order for a quote without visible items and deactivates it.
            self.deactivate_cart(cart_id)?;
            return Err(ApiError::bad_request(SERVER_ERROR));
        }
        self.validate_for_order(&cart)?;
        let customer = cart
            .customer_id
            .and_then(|id| self.customers.get(id))
            .cloned();
        let Some(billing) = cart.billing.clone() else {
            return Err(ApiError::bad_request(
                "The shipping address is missing. Set the address and try again.",
            ));
        };
        let is_virtual = self.is_virtual_cart(&cart);
        // A virtual order has no shipping address; the model keeps the billing one there.
        let shipping = match (is_virtual, cart.shipping.clone()) {
            (false, Some(s)) => s,
            _ => billing.clone(),
        };
        // A guest order's e-mail is the billing address's (`placeOrder`, METHOD_GUEST).
        let email = customer
            .as_ref()
            .map(|c| c.email.clone())
            .or_else(|| billing.email.clone())
            .or_else(|| cart.customer_email.clone())
            .ok_or_else(|| {
                ApiError::bad_request("The customer email is missing. Enter and try again.")
            })?;
        self.check_order_stock(&cart.items)?;
        let (billing, shipping) = match &customer {
            Some(c) => self.save_to_address_book(c.id, billing, shipping, is_virtual)?,
            None => (billing, shipping),
        };
        let now = self.now();
        let pct = cart
            .coupon_code
            .as_deref()
            .and_then(pricing::coupon)
            .map(|c| c.2)
            .unwrap_or(0);
        let totals = pricing::cart_totals(&cart, &self.catalog);
        let rate = self.catalog.website_of_store(cart.store_id).tax_rate;
        let increment_of = |store: &Store, id| store.catalog.increment_id(cart.store_id, id);
        let mut next_item = self.ids.order_item + 1;
        let items = order_items(&cart.items, pct, rate, &mut next_item);
        self.ids.order_item = next_item - 1;
        let id = next_id(&mut self.ids.order);
        let order_address = |a: &QuoteAddress| OrderAddress {
            postal: a.postal.clone(),
            email: a.email.clone().unwrap_or_else(|| email.clone()),
            customer_address_id: a.customer_address_id,
        };
        let mut order = Order {
            id,
            store_id: cart.store_id,
            quote_id: cart.id,
            created_at: now,
            updated_at: now,
            state: OrderState::New,
            status: OrderState::New.default_status(),
            customer_id: customer.as_ref().map(|c| c.id),
            customer_is_guest: customer.is_none(),
            customer_group_id: customer.as_ref().map(|c| c.group_id).unwrap_or(0),
            customer_email: email.clone(),
            customer_firstname: customer
                .as_ref()
                .map(|c| c.firstname.clone())
                .unwrap_or_else(|| billing.postal.firstname.clone()),
            customer_lastname: customer
                .as_ref()
                .map(|c| c.lastname.clone())
                .unwrap_or_else(|| billing.postal.lastname.clone()),
            customer_gender: customer.as_ref().and_then(|c| c.gender),
            customer_dob: customer.as_ref().and_then(|c| c.dob),
            billing: order_address(&billing),
            shipping: order_address(&shipping),
            items,
            shipping_method: cart.shipping_method.unwrap_or(ShippingMethod::Flatrate),
            payment_method: cart
                .payment_method
                .unwrap_or(crate::model::PaymentMethod::Checkmo),
            coupon_code: cart.coupon_code.clone(),
            subtotal: Default::default(),
            discount_amount: Default::default(),
            shipping_amount: Default::default(),
            tax_amount: Default::default(),
            grand_total: Default::default(),
            total_paid: Default::default(),
            total_invoiced: Default::default(),
            total_refunded: Default::default(),
            total_canceled: Default::default(),
            email_sent: true,
        };
        recompute_totals(&mut order);
        // The cart's shipping counts shipped items only (nothing for a virtual order).
        order.grand_total += totals.shipping - order.shipping_amount;
        order.shipping_amount = totals.shipping;
        apply_state(&mut order, OrderState::New);
        let increment = increment_of(self, id);
        self.orders.insert(order);
        self.deduct_stock(&cart.items);
        let payment_method = cart.payment_method;
        self.carts.update(cart_id, |c| {
            c.is_active = false;
            c.order_id = Some(id);
            c.reserved_order_id = Some(text(&increment));
            c.payment_method = payment_method;
            c.billing = Some(billing);
            if !is_virtual {
                c.shipping = Some(shipping);
            }
            c.customer_email.get_or_insert(email);
            c.updated_at = now;
        });
        if let Some(cid) = cart.customer_id {
            self.active_cart_by_customer.remove(&cid);
        }
        Ok(id)
    }

    /// `QuoteManagement::_prepareCustomerQuote`: a shipping or billing address typed at
    /// checkout (no `customer_address_id`) becomes a new address of the customer, and the
    /// default billing/shipping one where the customer has none. The customer's
    /// `updated_at` moves only if a default changed (addresses live in another table).
    /// Returns the addresses with their new `customer_address_id`s.
    fn save_to_address_book(
        &mut self,
        customer_id: u32,
        mut billing: QuoteAddress,
        mut shipping: QuoteAddress,
        is_virtual: bool,
    ) -> Result<(QuoteAddress, QuoteAddress), ApiError> {
        let Some(customer) = self.customers.get(customer_id) else {
            return Ok((billing, shipping));
        };
        let (mut default_billing, mut default_shipping) =
            (customer.default_billing, customer.default_shipping);
        let same = shipping.postal == billing.postal;
        let mut added = Vec::new();
        if !is_virtual && shipping.customer_address_id.is_none() && !same {
            let id = next_id(&mut self.ids.address);
            if default_shipping.is_none() {
                default_shipping = Some(id);
                // Billing that will not be saved leaves the default billing to this one.
                if default_billing.is_none() && billing.customer_address_id.is_some() {
                    default_billing = Some(id);
                }
            }
            added.push(CustomerAddress {
                id,
                postal: shipping.postal.clone(),
            });
            shipping.customer_address_id = Some(id);
        }
        if billing.customer_address_id.is_none() {
            let id = next_id(&mut self.ids.address);
            if default_billing.is_none() {
                if default_shipping.is_none() {
                    default_shipping = Some(id);
                }
                default_billing = Some(id);
            }
            added.push(CustomerAddress {
                id,
                postal: billing.postal.clone(),
            });
            billing.customer_address_id = Some(id);
            if same && !is_virtual {
                shipping.customer_address_id = Some(id);
            }
        }
        if !added.is_empty() {
            self.update_customer(customer_id, |c| {
                c.addresses.extend(added);
                c.default_billing = default_billing;
                c.default_shipping = default_shipping;
            })?;
        }
        Ok((billing, shipping))
    }

    /// QuoteValidator::validateBeforeSubmit, in its order; a virtual cart has no shipping
    /// rules. `%1` is one positional parameter: the address messages joined by spaces.
    fn validate_for_order(&self, cart: &Cart) -> Result<(), ApiError> {
        let is_virtual = self.is_virtual_cart(cart);
        let check = |prefix: &str, a: Option<&QuoteAddress>| match address_errors(
            &self.catalog,
            a.map(|a| &*a.postal),
        ) {
            Some(details) => Err(ApiError::bad_request(prefix).positional(vec![details.into()])),
            None => Ok(()),
        };
        if !is_virtual {
            check(
                "Please check the shipping address information. %1",
                cart.shipping.as_ref(),
            )?;
            let rates = self.shipping_rates(cart.id)?;
            if !cart
                .shipping_method
                .is_some_and(|m| rates.iter().any(|(r, _)| *r == m))
            {
                return Err(ApiError::bad_request(
                    "The shipping method is missing. Select the shipping method and try again.",
                ));
            }
        }
        check(
            "Please check the billing address information. %1",
            cart.billing.as_ref(),
        )?;
        let payment_ok = cart
            .payment_method
            .is_some_and(|m| self.payment_methods_for(cart).contains(&m));
        if !payment_ok {
            return Err(ApiError::bad_request(
                "Enter a valid payment method and try again.",
            ));
        }
        Ok(())
    }
}
