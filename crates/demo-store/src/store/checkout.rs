//! `PUT /V1/carts/{id}/order`: QuoteValidator checks, then the order, and the cart turns
//! inactive with `reserved_order_id` set.

use super::{Store, next_id};
use crate::error::ApiError;
use crate::generate::{apply_state, order_items, recompute_totals};
use crate::model::{Cart, Order, OrderAddress, OrderState, Postal, QuoteAddress, text};
use crate::pricing;

/// Missing required fields of an address, in Magento's wording.
fn address_errors(a: Option<&QuoteAddress>) -> Option<String> {
    let Some(a) = a else {
        return Some(
            [
                "firstname",
                "lastname",
                "street",
                "city",
                "telephone",
                "postcode",
                "country_id",
            ]
            .map(|f| format!("\"{f}\" is required. Enter and try again."))
            .join(" "),
        );
    };
    let p: &Postal = &a.postal;
    let fields = [
        ("firstname", p.firstname.is_empty()),
        ("lastname", p.lastname.is_empty()),
        ("street", p.street.iter().all(|s| s.is_empty())),
        ("city", p.city.is_empty()),
        ("telephone", p.telephone.is_empty()),
        ("postcode", p.postcode.is_empty()),
        ("country_id", p.country_id.is_empty()),
    ];
    let missing: Vec<String> = fields
        .iter()
        .filter(|(_, empty)| *empty)
        .map(|(f, _)| format!("\"{f}\" is required. Enter and try again."))
        .collect();
    (!missing.is_empty()).then(|| missing.join(" "))
}

impl Store {
    /// Test and live-mode shortcut: completes whatever the cart lacks — addresses (the
    /// customer's defaults, or a generated address and e-mail for guests), the cheapest
    /// shipping method, `checkmo` — then places the order. Returns the order id.
    pub fn checkout(&mut self, cart_id: u32) -> Result<u32, ApiError> {
        let cart = self.active_cart(cart_id)?.clone();
        let rates = self.shipping_rates(cart_id)?;
        let Some((method, _)) = rates.iter().min_by_key(|(_, amount)| *amount).copied() else {
            return Err(ApiError::bad_request(
                "The shipping method is missing. Select the shipping method and try again.",
            ));
        };
        let address = match cart.shipping.clone().or(cart.billing.clone()) {
            Some(a) => a,
            None => {
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
                        std::sync::Arc::new(crate::generate::random_postal(
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
                    .unwrap_or_else(|| text(&format!("guest{}@example.net", cart_id)));
                QuoteAddress {
                    postal,
                    email: Some(email),
                    customer_address_id: address_id,
                }
            }
        };
        let billing = cart.billing.clone().unwrap_or_else(|| address.clone());
        self.set_shipping_information(
            cart_id,
            Some(address),
            Some(billing),
            method.carrier_code(),
            method.method_code(),
        )?;
        let payment = cart.payment_method.map(|m| m.code()).unwrap_or("checkmo");
        self.place_order(cart_id, Some(payment))
    }

    /// Places an order from an active cart; returns the order's entity id.
    pub fn place_order(&mut self, cart_id: u32, payment: Option<&str>) -> Result<u32, ApiError> {
        if let Some(code) = payment {
            self.set_payment_method(cart_id, code)?;
        }
        let cart = self.active_cart(cart_id)?.clone();
        self.validate_for_order(&cart)?;
        let now = self.now();
        let catalog = self.catalog.clone();
        let customer = cart
            .customer_id
            .and_then(|id| self.customers.get(id))
            .cloned();
        let (Some(billing), Some(shipping)) = (cart.billing.clone(), cart.shipping.clone()) else {
            return Err(ApiError::bad_request(
                "The shipping address is missing. Set the address and try again.",
            ));
        };
        let email = customer
            .as_ref()
            .map(|c| c.email.clone())
            .or_else(|| billing.email.clone())
            .or_else(|| cart.customer_email.clone())
            .ok_or_else(|| {
                ApiError::bad_request("The customer email is missing. Enter and try again.")
            })?;
        let pct = cart
            .coupon_code
            .as_deref()
            .and_then(pricing::coupon)
            .map(|c| c.2)
            .unwrap_or(0);
        let rate = catalog.website_of_store(cart.store_id).tax_rate;
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
            shipping_method: cart
                .shipping_method
                .unwrap_or(crate::model::ShippingMethod::Flatrate),
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
        apply_state(&mut order, OrderState::New);
        let increment = catalog.increment_id(order.store_id, id);
        self.orders.insert(order);
        self.carts.update(cart_id, |c| {
            c.is_active = false;
            c.order_id = Some(id);
            c.reserved_order_id = Some(text(&increment));
            c.customer_email.get_or_insert(email);
            c.updated_at = now;
        });
        if let Some(cid) = cart.customer_id {
            self.active_cart_by_customer.remove(&cid);
        }
        Ok(id)
    }

    /// QuoteValidator::validateBeforeSubmit, in its order.
    fn validate_for_order(&self, cart: &Cart) -> Result<(), ApiError> {
        if let Some(details) = address_errors(cart.shipping.as_ref()) {
            return Err(
                ApiError::bad_request("Please check the shipping address information. %1")
                    .positional(vec![details.into()]),
            );
        }
        let rates = self.shipping_rates(cart.id)?;
        if !cart
            .shipping_method
            .is_some_and(|m| rates.iter().any(|(r, _)| *r == m))
        {
            return Err(ApiError::bad_request(
                "The shipping method is missing. Select the shipping method and try again.",
            ));
        }
        if let Some(details) = address_errors(cart.billing.as_ref()) {
            return Err(
                ApiError::bad_request("Please check the billing address information. %1")
                    .positional(vec![details.into()]),
            );
        }
        let payment_ok = cart.payment_method.is_some_and(|m| {
            self.payment_methods(cart.id)
                .is_ok_and(|list| list.contains(&m))
        });
        if !payment_ok {
            return Err(ApiError::bad_request(
                "Enter a valid payment method and try again.",
            ));
        }
        Ok(())
    }
}
