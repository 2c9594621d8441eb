//! Cart mutations: create, items, addresses, shipping and payment choices, coupons,
//! deactivation, deletion and the quote purge. Every write bumps the cart's `updated_at`.

use super::{Store, next_id};
use crate::clock::Ts;
use crate::error::ApiError;
use crate::model::{
    Cart, CartItem, PaymentMethod, ProductType, QuoteAddress, ShippingMethod, text,
};
use crate::pricing;

fn cart_missing(id: u32) -> ApiError {
    ApiError::no_such_entity("cartId", id)
}

fn item_missing(cart_id: u32, item_id: u32) -> ApiError {
    ApiError::new(404, "The %1 Cart doesn't contain the %2 item.")
        .positional(vec![cart_id.into(), item_id.into()])
}

impl Store {
    /// The cart if it exists and is active (Magento's `getActive`, 404 otherwise).
    pub fn active_cart(&self, id: u32) -> Result<&Cart, ApiError> {
        self.carts
            .get(id)
            .filter(|c| c.is_active)
            .ok_or_else(|| cart_missing(id))
    }

    /// Applies a change to an active cart and bumps its `updated_at`.
    fn write_cart<R>(
        &mut self,
        id: u32,
        f: impl FnOnce(&mut Cart) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.active_cart(id)?;
        let now = self.now();
        self.carts
            .update(id, |c| {
                let out = f(c)?;
                c.updated_at = now;
                Ok(out)
            })
            .unwrap_or_else(|| Err(cart_missing(id)))
    }

    /// `POST /V1/carts/` (guest-type cart) or `POST /V1/customers/{id}/carts`, which hands
    /// back the customer's existing active cart within the store's website (issue 5913).
    pub fn create_cart(
        &mut self,
        store_id: u16,
        customer_id: Option<u32>,
    ) -> Result<u32, ApiError> {
        let customer = match customer_id {
            Some(cid) => Some(
                self.customers
                    .get(cid)
                    .ok_or_else(|| ApiError::no_such_entity("customerId", cid))?
                    .clone(),
            ),
            None => None,
        };
        if let Some(existing) = customer_id.and_then(|cid| self.active_cart_of(cid)) {
            let website = self.catalog.website_of_store(store_id).id;
            if self.catalog.website_of_store(existing.store_id).id == website {
                return Ok(existing.id);
            }
        }
        let now = self.now();
        let id = next_id(&mut self.ids.cart);
        self.carts.insert(Cart {
            id,
            store_id,
            created_at: now,
            updated_at: now,
            is_active: true,
            customer_id,
            customer_group_id: customer.as_ref().map(|c| c.group_id).unwrap_or(0),
            customer_email: customer.as_ref().map(|c| c.email.clone()),
            customer_firstname: customer.as_ref().map(|c| c.firstname.clone()),
            customer_lastname: customer.as_ref().map(|c| c.lastname.clone()),
            items: Vec::new(),
            billing: None,
            shipping: None,
            shipping_method: None,
            payment_method: None,
            coupon_code: None,
            order_id: None,
            reserved_order_id: None,
        });
        if let Some(cid) = customer_id {
            self.active_cart_by_customer.insert(cid, id);
        }
        Ok(id)
    }

    /// `PUT /V1/carts/{id}`: assigns a guest cart to a customer.
    pub fn assign_customer(
        &mut self,
        cart_id: u32,
        customer_id: u32,
        store_id: u16,
    ) -> Result<(), ApiError> {
        let customer = self
            .customers
            .get(customer_id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", customer_id))?
            .clone();
        let cart = self.active_cart(cart_id)?;
        if cart.customer_id.is_some_and(|c| c != customer_id) {
            return Err(ApiError::bad_request(
                "The customer can't be assigned to the cart. The cart belongs to a different customer.",
            ));
        }
        if self
            .active_cart_of(customer_id)
            .is_some_and(|c| c.id != cart_id)
        {
            return Err(ApiError::bad_request(
                "The customer can't be assigned to the cart because the customer already has an active cart.",
            ));
        }
        self.write_cart(cart_id, |c| {
            c.customer_id = Some(customer.id);
            c.store_id = store_id;
            c.customer_group_id = customer.group_id;
            c.customer_email = Some(customer.email.clone());
            c.customer_firstname = Some(customer.firstname.clone());
            c.customer_lastname = Some(customer.lastname.clone());
            Ok(())
        })?;
        self.active_cart_by_customer.insert(customer_id, cart_id);
        Ok(())
    }

    /// Adds `qty` of a SKU (a configurable needs `options`: (attribute id, option value)).
    /// The same product again adds to the existing line, as Magento merges them.
    pub fn add_cart_item(
        &mut self,
        cart_id: u32,
        sku: &str,
        qty: i64,
        options: &[(u32, u32)],
    ) -> Result<CartItem, ApiError> {
        self.active_cart(cart_id)?;
        if qty <= 0 {
            return Err(ApiError::invalid_value("qty", qty));
        }
        let product = self
            .catalog
            .product_by_sku(sku)
            .ok_or_else(ApiError::product_missing)?;
        let (product_id, parent_id) = match product.type_id {
            ProductType::Configurable => {
                let wanted = |attr: u32| options.iter().find(|(a, _)| *a == attr).map(|(_, v)| *v);
                let color = wanted(crate::model::COLOR_ATTRIBUTE_ID);
                let size = wanted(crate::model::SIZE_ATTRIBUTE_ID);
                let child = product
                    .children
                    .iter()
                    .filter_map(|id| self.catalog.product(*id))
                    .find(|c| {
                        c.options
                            .is_some_and(|(cc, cs)| Some(cc) == color && Some(cs) == size)
                    })
                    .ok_or_else(|| {
                        ApiError::bad_request("You need to choose options for your item.")
                    })?;
                (child.id, Some(product.id))
            }
            _ => (product.id, None),
        };
        let product = self
            .catalog
            .product(product_id)
            .ok_or_else(ApiError::product_missing)?;
        if product.status != 1 {
            return Err(ApiError::bad_request(
                "Product that you are trying to add is not available.",
            ));
        }
        let price = product.price;
        let new_item_id = self.ids.cart_item + 1;
        let item = self.write_cart(cart_id, |c| {
            if let Some(line) = c
                .items
                .iter_mut()
                .find(|l| l.product_id == product_id && l.parent_id == parent_id)
            {
                line.qty += qty as u32;
                return Ok(line.clone());
            }
            let line = CartItem {
                item_id: new_item_id,
                product_id,
                parent_id,
                qty: qty as u32,
                price,
            };
            c.items.push(line.clone());
            Ok(line)
        })?;
        if item.item_id == new_item_id {
            self.ids.cart_item = new_item_id;
        }
        Ok(item)
    }

    pub fn update_cart_item(
        &mut self,
        cart_id: u32,
        item_id: u32,
        qty: i64,
    ) -> Result<CartItem, ApiError> {
        if qty <= 0 {
            return Err(ApiError::invalid_value("qty", qty));
        }
        self.write_cart(cart_id, |c| {
            let line = c
                .items
                .iter_mut()
                .find(|l| l.item_id == item_id)
                .ok_or_else(|| item_missing(cart_id, item_id))?;
            line.qty = qty as u32;
            Ok(line.clone())
        })
    }

    pub fn remove_cart_item(&mut self, cart_id: u32, item_id: u32) -> Result<(), ApiError> {
        self.write_cart(cart_id, |c| {
            let before = c.items.len();
            c.items.retain(|l| l.item_id != item_id);
            if c.items.len() == before {
                return Err(item_missing(cart_id, item_id));
            }
            Ok(())
        })
    }

    /// Returns the (derived) billing address id.
    pub fn set_billing_address(
        &mut self,
        cart_id: u32,
        address: QuoteAddress,
        use_for_shipping: bool,
    ) -> Result<i64, ApiError> {
        self.write_cart(cart_id, |c| {
            if use_for_shipping {
                c.shipping = Some(address.clone());
            }
            if c.is_guest() && c.customer_email.is_none() {
                c.customer_email = address.email.clone();
            }
            c.billing = Some(address);
            Ok(cart_id as i64 * 2)
        })
    }

    /// Available shipping methods and their prices for the cart's current items.
    pub fn shipping_rates(
        &self,
        cart_id: u32,
    ) -> Result<Vec<(ShippingMethod, rust_decimal::Decimal)>, ApiError> {
        let cart = self.active_cart(cart_id)?;
        if cart.items.is_empty() {
            return Ok(Vec::new());
        }
        let totals = pricing::cart_totals(cart, &self.catalog);
        Ok(ShippingMethod::ALL
            .into_iter()
            .filter_map(|m| {
                pricing::shipping_amount(m, totals.items_qty, totals.subtotal).map(|a| (m, a))
            })
            .collect())
    }

    /// `shipping-information`: addresses plus carrier/method, validated like Magento.
    pub fn set_shipping_information(
        &mut self,
        cart_id: u32,
        shipping: Option<QuoteAddress>,
        billing: Option<QuoteAddress>,
        carrier: &str,
        method: &str,
    ) -> Result<(), ApiError> {
        let cart = self.active_cart(cart_id)?;
        if cart.items.is_empty() {
            return Err(ApiError::bad_request(
                "The shipping method can't be set for an empty cart. Add an item to cart and try again.",
            ));
        }
        let Some(shipping) = shipping else {
            return Err(ApiError::bad_request(
                "The shipping address is missing. Set the address and try again.",
            ));
        };
        let chosen = ShippingMethod::from_codes(carrier, method)
            .filter(|m| {
                self.shipping_rates(cart_id)
                    .is_ok_and(|rates| rates.iter().any(|(r, _)| r == m))
            })
            .ok_or_else(|| {
                ApiError::new(404, "Carrier with such method not found: %1, %2")
                    .positional(vec![carrier.into(), method.into()])
            })?;
        self.write_cart(cart_id, |c| {
            if c.is_guest() && c.customer_email.is_none() {
                c.customer_email = shipping
                    .email
                    .clone()
                    .or_else(|| billing.as_ref().and_then(|b| b.email.clone()));
            }
            c.billing = billing
                .or_else(|| c.billing.take())
                .or_else(|| Some(shipping.clone()));
            c.shipping = Some(shipping);
            c.shipping_method = Some(chosen);
            Ok(())
        })
    }

    pub fn set_payment_method(
        &mut self,
        cart_id: u32,
        code: &str,
    ) -> Result<PaymentMethod, ApiError> {
        let method = self.available_payment(cart_id, code)?;
        self.write_cart(cart_id, |c| {
            c.payment_method = Some(method);
            Ok(method)
        })
    }

    /// Offline methods; `free` only for a zero total.
    pub fn payment_methods(&self, cart_id: u32) -> Result<Vec<PaymentMethod>, ApiError> {
        let cart = self.active_cart(cart_id)?;
        let total = pricing::cart_totals(cart, &self.catalog).grand_total;
        let mut methods = PaymentMethod::OFFLINE.to_vec();
        if total.is_zero() && !cart.items.is_empty() {
            methods.push(PaymentMethod::Free);
        }
        Ok(methods)
    }

    pub(crate) fn available_payment(
        &self,
        cart_id: u32,
        code: &str,
    ) -> Result<PaymentMethod, ApiError> {
        self.payment_methods(cart_id)?
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or_else(|| ApiError::bad_request("The requested Payment Method is not available."))
    }

    pub fn apply_coupon(&mut self, cart_id: u32, code: &str) -> Result<(), ApiError> {
        let cart = self.active_cart(cart_id)?;
        if cart.items.is_empty() {
            return Err(
                ApiError::new(404, "The \"%1\" Cart doesn't contain products.")
                    .positional(vec![cart_id.into()]),
            );
        }
        let (code, _, _) = pricing::coupon(code).ok_or_else(|| {
            ApiError::new(
                404,
                "The coupon code isn't valid. Verify the code and try again.",
            )
        })?;
        self.write_cart(cart_id, |c| {
            c.coupon_code = Some(text(code));
            Ok(())
        })
    }

    pub fn remove_coupon(&mut self, cart_id: u32) -> Result<(), ApiError> {
        self.write_cart(cart_id, |c| {
            c.coupon_code = None;
            Ok(())
        })
    }

    /// Deactivates a cart without an order (merged, cleared by an admin, ...).
    pub fn deactivate_cart(&mut self, cart_id: u32) -> Result<(), ApiError> {
        let customer = self.active_cart(cart_id)?.customer_id;
        self.write_cart(cart_id, |c| {
            c.is_active = false;
            Ok(())
        })?;
        if let Some(cid) = customer {
            self.active_cart_by_customer.remove(&cid);
        }
        Ok(())
    }

    /// Moves a cart's `updated_at` (tests: make a cart abandoned or old enough to purge).
    pub fn set_cart_updated_at(&mut self, cart_id: u32, at: Ts) -> bool {
        self.carts.update(cart_id, |c| c.updated_at = at).is_some()
    }

    /// Hard delete, leaving no trace.
    pub fn delete_cart(&mut self, cart_id: u32) -> bool {
        let Some(cart) = self.carts.remove(cart_id) else {
            return false;
        };
        if let Some(cid) = cart.customer_id
            && self.active_cart_by_customer.get(&cid) == Some(&cart_id)
        {
            self.active_cart_by_customer.remove(&cid);
        }
        true
    }

    /// Magento's `sales_clean_quotes` cron: deletes quotes (active and inactive) not updated
    /// for `quote_lifetime_days`. Returns how many went.
    pub fn purge_quotes(&mut self) -> usize {
        let cutoff = self.now().plus(-(self.quote_lifetime_days as i64) * 86_400);
        let old: Vec<u32> = self
            .carts
            .updated_range(
                std::ops::Bound::Unbounded,
                std::ops::Bound::Excluded((cutoff.0, 0)),
            )
            .map(|(_, id)| id)
            .collect();
        for id in &old {
            self.delete_cart(*id);
        }
        old.len()
    }
}
