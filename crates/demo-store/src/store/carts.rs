//! Cart mutations: create, items, addresses, shipping and payment choices, coupons,
//! deactivation, deletion and the quote purge. Every write bumps the cart's `updated_at`.

use super::address_rules::address_errors;
use super::products::stock_error;
use super::{PaymentInput, Store, next_id};
use crate::clock::Ts;
use crate::error::ApiError;
use crate::faults::mix;
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
    /// back the customer's existing active cart, whatever its store
    /// (`createCustomerCart` → `getActiveForCustomer`, issue 5913); otherwise a new cart in
    /// the URL's store.
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
            return Ok(existing.id);
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

    /// `POST /V1/guest-carts`: a guest cart and its masked id (`quote_id_mask`, 32 hex
    /// characters like Magento's md5-based masks; derived from the seed and the cart id so
    /// runs repeat).
    pub fn create_guest_cart(&mut self, store_id: u16) -> (u32, String) {
        let id = self
            .create_cart(store_id, None)
            .expect("a guest cart needs no customer");
        let mask = format!(
            "{:016x}{:016x}",
            mix(self.seed ^ mix(id as u64)),
            mix(self.seed.rotate_left(32) ^ mix(!(id as u64)))
        );
        self.cart_by_mask.insert(mask.clone(), id);
        self.mask_by_cart.insert(id, mask.clone());
        (id, mask)
    }

    /// The cart behind a guest cart's masked id.
    pub fn cart_by_mask(&self, mask: &str) -> Option<u32> {
        self.cart_by_mask.get(mask).copied()
    }

    /// The masked id of a guest cart (None for carts made through the admin routes).
    pub fn mask_of_cart(&self, cart_id: u32) -> Option<&str> {
        self.mask_by_cart.get(&cart_id).map(String::as_str)
    }

    fn forget_mask(&mut self, cart_id: u32) {
        if let Some(mask) = self.mask_by_cart.remove(&cart_id) {
            self.cart_by_mask.remove(&mask);
        }
    }

    /// `PUT /V1/carts/{id}` {customerId, storeId}: assigns a guest cart to a customer, as
    /// 2.4's `assignCustomer` does: the customer's current active cart is merged into it and
    /// deactivated, and the guest mask is deleted.
    pub fn assign_customer(
        &mut self,
        cart_id: u32,
        customer_id: u32,
        store_id: u16,
    ) -> Result<(), ApiError> {
        let cart = self.active_cart(cart_id)?.clone();
        let customer = self
            .customers
            .get(customer_id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", customer_id))?
            .clone();
        // Account sharing per website: the store must be one of the customer's website.
        let shared = self
            .catalog
            .store_view(store_id)
            .is_some_and(|v| v.id != 0 && v.website_id == customer.website_id);
        if !shared {
            return Err(ApiError::bad_request(
                "The customer can't be assigned to the cart. The cart belongs to a different store.",
            ));
        }
        if cart.customer_id.is_some() {
            return Err(ApiError::bad_request(
                "The customer can't be assigned to the cart because the cart isn't anonymous.",
            ));
        }
        let previous = self
            .active_cart_of(customer_id)
            .filter(|c| c.id != cart_id)
            .cloned();
        let mut next_item = self.ids.cart_item;
        self.write_cart(cart_id, |c| {
            // `Quote::merge`: same product and options add up, others are copied.
            for item in previous.iter().flat_map(|p| &p.items) {
                match c
                    .items
                    .iter_mut()
                    .find(|l| l.product_id == item.product_id && l.parent_id == item.parent_id)
                {
                    Some(line) => line.qty += item.qty,
                    None => {
                        next_item += 1;
                        c.items.push(CartItem {
                            item_id: next_item,
                            ..item.clone()
                        });
                    }
                }
            }
            c.customer_id = Some(customer.id);
            c.store_id = store_id;
            c.customer_group_id = customer.group_id;
            c.customer_email = Some(customer.email.clone());
            c.customer_firstname = Some(customer.firstname.clone());
            c.customer_lastname = Some(customer.lastname.clone());
            Ok(())
        })?;
        self.ids.cart_item = next_item;
        if let Some(old) = previous {
            self.deactivate_cart(old.id)?;
        }
        self.active_cart_by_customer.insert(customer_id, cart_id);
        self.forget_mask(cart_id);
        Ok(())
    }

    /// Adds `qty` of a SKU (a configurable needs `options`: (attribute id, option value)),
    /// checked in `CartItemPersister`'s order: quantity, product, website, status, options,
    /// stock. The same product again adds to the existing line, as Magento merges them, and
    /// the stock check applies to the merged quantity.
    pub fn add_cart_item(
        &mut self,
        cart_id: u32,
        sku: &str,
        qty: i64,
        options: &[(u32, u32)],
    ) -> Result<CartItem, ApiError> {
        let cart = self.active_cart(cart_id)?;
        if qty <= 0 {
            return Err(ApiError::invalid_value("qty", qty));
        }
        let website = self.catalog.website_of_store(cart.store_id).id;
        let not_available =
            || ApiError::bad_request("Product that you are trying to add is not available.");
        let product = self
            .product_by_sku(sku)
            .ok_or_else(ApiError::product_missing)?;
        // `ValidateProductWebsiteAssignment`, then `Quote::addProduct`'s `isSalable`.
        if !product.website_ids.contains(&website) || product.status != 1 {
            return Err(not_available());
        }
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
            // Bundle selections are not modelled: without them Magento refuses like this.
            ProductType::Bundle => {
                return Err(ApiError::bad_request("Please specify product option(s)."));
            }
            _ => (product.id, None),
        };
        let product = self
            .product(product_id)
            .ok_or_else(ApiError::product_missing)?;
        if product.status != 1 {
            return Err(not_available());
        }
        let in_cart = cart
            .items
            .iter()
            .find(|l| l.product_id == product_id && l.parent_id == parent_id)
            .map(|l| l.qty)
            .unwrap_or(0);
        if let Some(e) = stock_error(&product.stock, in_cart + qty as u32) {
            return Err(e);
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

    /// New quantity of a line; the stock rules apply to it.
    pub fn update_cart_item(
        &mut self,
        cart_id: u32,
        item_id: u32,
        qty: i64,
    ) -> Result<CartItem, ApiError> {
        let cart = self.active_cart(cart_id)?;
        if qty <= 0 {
            return Err(ApiError::invalid_value("qty", qty));
        }
        let line = cart
            .items
            .iter()
            .find(|l| l.item_id == item_id)
            .ok_or_else(|| item_missing(cart_id, item_id))?;
        if let Some(e) = self
            .product(line.product_id)
            .and_then(|p| stock_error(&p.stock, qty as u32))
        {
            return Err(e);
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

    /// The guest checkout's e-mail (`payment-information` `email`): on the billing address,
    /// where placing a guest order takes it from.
    pub fn set_guest_email(&mut self, cart_id: u32, email: &str) -> Result<(), ApiError> {
        self.write_cart(cart_id, |c| {
            if let Some(b) = c.billing.as_mut() {
                b.email = Some(text(email));
            }
            if c.is_guest() {
                c.customer_email = Some(text(email));
            }
            Ok(())
        })
    }

    /// A cart whose every item is virtual: no shipping address, method or rates.
    pub fn is_virtual_cart(&self, cart: &Cart) -> bool {
        pricing::is_virtual(cart, &self.catalog)
    }

    /// Active shipping methods and their prices for the cart's current items; none for an
    /// empty or virtual cart (`ShippingMethodManagement`).
    pub fn shipping_rates(
        &self,
        cart_id: u32,
    ) -> Result<Vec<(ShippingMethod, rust_decimal::Decimal)>, ApiError> {
        let cart = self.active_cart(cart_id)?;
        if cart.items.is_empty() || self.is_virtual_cart(cart) {
            return Ok(Vec::new());
        }
        let totals = pricing::cart_totals(cart, &self.catalog);
        Ok(ShippingMethod::ALL
            .into_iter()
            .filter(|m| self.checkout.shipping_methods.contains(m))
            .filter_map(|m| {
                pricing::shipping_amount(m, totals.shipped_qty, totals.subtotal).map(|a| (m, a))
            })
            .collect())
    }

    /// `shipping-information`, checked in `ShippingInformationManagement`'s order: items,
    /// a shipping country, the address (wrapped in `The shipping information was unable to
    /// be saved. Error: "%message"`), then the rate — the addresses are saved before an
    /// unknown rate is refused, as in Magento.
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
        let Some(shipping) = shipping.filter(|s| !s.postal.country_id.is_empty()) else {
            return Err(ApiError::bad_request(
                "The shipping address is missing. Set the address and try again.",
            ));
        };
        let unable = |message: String| {
            ApiError::bad_request(
                "The shipping information was unable to be saved. Error: \"%message\"",
            )
            .named("message", message)
        };
        for a in billing.iter().chain([&shipping]) {
            if let Some(id) = a.customer_address_id
                && (cart.customer_id.is_none()
                    || self.address_owner(id).map(|c| c.id) != cart.customer_id)
            {
                return Err(unable(format!("Invalid customer address id {id}")));
            }
        }
        if let Some(messages) = address_errors(&self.catalog, Some(&shipping.postal)) {
            return Err(unable(messages));
        }
        let is_virtual = self.is_virtual_cart(cart);
        let chosen = ShippingMethod::from_codes(carrier, method).filter(|m| {
            self.shipping_rates(cart_id)
                .is_ok_and(|rates| rates.iter().any(|(r, _)| r == m))
        });
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
            c.shipping_method = chosen;
            Ok(())
        })?;
        if chosen.is_none() && !is_virtual {
            return Err(if method.is_empty() {
                ApiError::new(
                    404,
                    "The shipping method is missing. Select the shipping method and try again.",
                )
            } else {
                ApiError::new(404, "Carrier with such method not found: %1, %2")
                    .positional(vec![carrier.into(), method.into()])
            });
        }
        Ok(())
    }

    /// `PUT selected-payment-method`: a shippable cart needs its shipping address first
    /// (`PaymentMethodManagement::set`), then the method must be available.
    pub fn set_payment_method(
        &mut self,
        cart_id: u32,
        code: &str,
    ) -> Result<PaymentMethod, ApiError> {
        self.set_payment(cart_id, &PaymentInput::method(code))
    }

    /// `set_payment_method` with a full `paymentMethod` (a purchase order's number).
    pub fn set_payment(
        &mut self,
        cart_id: u32,
        input: &PaymentInput,
    ) -> Result<PaymentMethod, ApiError> {
        let cart = self.active_cart(cart_id)?;
        let has_country = cart
            .shipping
            .as_ref()
            .is_some_and(|s| !s.postal.country_id.is_empty());
        if !self.is_virtual_cart(cart) && !has_country {
            return Err(ApiError::bad_request(
                "The shipping address is missing. Set the address and try again.",
            ));
        }
        let method = self.import_payment(cart, input)?;
        self.write_cart(cart_id, |c| {
            c.payment_method = Some(method);
            Ok(method)
        })
    }

    /// Active offline methods in Magento's order; at a zero grand total only `free`
    /// (`Free::isAvailable` and the `ZeroTotal` check every other method fails).
    pub fn payment_methods(&self, cart_id: u32) -> Result<Vec<PaymentMethod>, ApiError> {
        Ok(self.payment_methods_for(self.active_cart(cart_id)?))
    }

    pub(crate) fn payment_methods_for(&self, cart: &Cart) -> Vec<PaymentMethod> {
        let total = pricing::cart_totals(cart, &self.catalog).grand_total;
        if total < rust_decimal::Decimal::new(1, 4) {
            return vec![PaymentMethod::Free];
        }
        PaymentMethod::OFFLINE
            .into_iter()
            .filter(|m| self.checkout.payment_methods.contains(m))
            .collect()
    }

    /// `Payment::importData`: the method must be available for the cart (same text for an
    /// unknown, inactive or zero-total-refused code); a purchase order needs its number.
    pub(crate) fn import_payment(
        &self,
        cart: &Cart,
        input: &PaymentInput,
    ) -> Result<PaymentMethod, ApiError> {
        let method = self
            .payment_methods_for(cart)
            .into_iter()
            .find(|m| m.code() == input.method)
            .ok_or_else(|| {
                ApiError::bad_request("The requested Payment Method is not available.")
            })?;
        if method == PaymentMethod::Purchaseorder
            && input
                .po_number
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            return Err(ApiError::bad_request(
                "Purchase order number is a required field.",
            ));
        }
        Ok(method)
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
        self.forget_mask(cart_id);
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
