//! Customer and address mutations (newsletter rows: `newsletter.rs`; what a save must pass:
//! `customer_rules.rs`).
//!
//! `updated_at` follows MySQL's `ON UPDATE CURRENT_TIMESTAMP`: it moves only when a column
//! of the customer row changes. Address edits and newsletter changes live in other tables
//! and leave it alone (Magento issues 5013, 9419) — the case a CRM must catch otherwise.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Store, next_id};
use crate::error::ApiError;
use crate::model::{Customer, CustomerAddress, Postal, text};

/// A customer to create (API `POST /V1/customers`, live mode, tests).
#[derive(Clone, Debug, Default)]
pub struct NewCustomer {
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub website_id: u16,
    pub store_id: u16,
    pub group_id: u16,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub dob: Option<NaiveDate>,
    pub gender: Option<u8>,
    pub taxvat: Option<String>,
    pub addresses: Vec<NewAddress>,
    pub is_subscribed: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct NewAddress {
    /// An existing address id to keep (PUT), or None for a new one.
    pub id: Option<u32>,
    pub postal: Postal,
    pub default_billing: bool,
    pub default_shipping: bool,
}

fn valid_email(email: &str) -> bool {
    let mut parts = email.splitn(2, '@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(' ')
}

/// Customer-row equality ignoring what does not live in `customer_entity`.
fn same_row(a: &Customer, b: &Customer) -> bool {
    let strip = |c: &Customer| Customer {
        addresses: Vec::new(),
        updated_at: Default::default(),
        ..c.clone()
    };
    strip(a) == strip(b)
}

impl Store {
    /// Format, then uniqueness within the website (account sharing "Per Website").
    pub(super) fn check_email(
        &self,
        website_id: u16,
        email: &str,
        except: Option<u32>,
    ) -> Result<(), ApiError> {
        if !valid_email(email) {
            return Err(ApiError::invalid_value("email", email));
        }
        match self.customer_by_email(website_id, email) {
            Some(other) if Some(other.id) != except => Err(ApiError::bad_request(
                "A customer with the same email address already exists in an associated website.",
            )),
            _ => Ok(()),
        }
    }

    pub fn create_customer(&mut self, input: NewCustomer) -> Result<u32, ApiError> {
        for (field, value) in [
            ("firstname", &input.firstname),
            ("lastname", &input.lastname),
            ("email", &input.email),
        ] {
            if value.trim().is_empty() {
                return Err(ApiError::required(field));
            }
        }
        let now = self.now();
        let mut customer = Customer {
            id: 0,
            website_id: input.website_id,
            store_id: input.store_id,
            group_id: input.group_id,
            created_at: now,
            updated_at: now,
            email: text(&input.email),
            firstname: text(&input.firstname),
            lastname: text(&input.lastname),
            middlename: input.middlename.as_deref().map(text),
            prefix: input.prefix.as_deref().map(text),
            suffix: input.suffix.as_deref().map(text),
            dob: input.dob,
            gender: input.gender,
            taxvat: input.taxvat.as_deref().map(text),
            confirmation: None,
            default_billing: None,
            default_shipping: None,
            addresses: Vec::new(),
            disable_auto_group_change: false,
        };
        let book: Vec<&Postal> = input.addresses.iter().map(|a| &a.postal).collect();
        self.check_customer_save(None, &customer, &book)?;
        customer.id = next_id(&mut self.ids.customer);
        let id = customer.id;
        self.replace_addresses(&mut customer, input.addresses);
        self.customer_by_email
            .insert((customer.website_id, customer.email.to_lowercase()), id);
        self.customers.insert(customer);
        if let Some(subscribed) = input.is_subscribed {
            self.set_subscribed(id, subscribed)?;
        }
        Ok(id)
    }

    /// Replaces the address book; kept ids survive, others are new. Defaults follow flags.
    fn replace_addresses(&mut self, customer: &mut Customer, addresses: Vec<NewAddress>) {
        for old in &customer.addresses {
            self.address_owner.remove(&old.id);
        }
        customer.default_billing = None;
        customer.default_shipping = None;
        let mut book = Vec::with_capacity(addresses.len());
        for a in addresses {
            let id = match a.id.filter(|id| customer.address(*id).is_some()) {
                Some(id) => id,
                None => next_id(&mut self.ids.address),
            };
            if a.default_billing {
                customer.default_billing = Some(id);
            }
            if a.default_shipping {
                customer.default_shipping = Some(id);
            }
            self.address_owner.insert(id, customer.id);
            book.push(CustomerAddress {
                id,
                postal: Arc::new(a.postal),
            });
        }
        customer.addresses = book;
    }

    /// Edits a customer; `updated_at` moves only if a customer-row field changed.
    pub fn update_customer(
        &mut self,
        id: u32,
        edit: impl FnOnce(&mut Customer),
    ) -> Result<(), ApiError> {
        let before = self
            .customers
            .get(id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", id))?
            .clone();
        let mut after = before.clone();
        edit(&mut after);
        after.id = id;
        if after.email.to_lowercase() != before.email.to_lowercase()
            || after.website_id != before.website_id
        {
            self.check_email(after.website_id, &after.email, Some(id))?;
        }
        // Addresses with id 0 (or another customer's id) are new: give them fresh ids; a
        // default pointing at id 0 follows the first new address.
        let mut first_new = None;
        for a in &mut after.addresses {
            let foreign = self
                .address_owner
                .get(&a.id)
                .is_some_and(|owner| *owner != id);
            if a.id == 0 || foreign {
                a.id = next_id(&mut self.ids.address);
                first_new.get_or_insert(a.id);
            }
        }
        for default in [&mut after.default_billing, &mut after.default_shipping] {
            if *default == Some(0) {
                *default = first_new;
            }
        }
        let book: Vec<u32> = after.addresses.iter().map(|a| a.id).collect();
        for default in [&mut after.default_billing, &mut after.default_shipping] {
            if default.is_some_and(|d| !book.contains(&d)) {
                *default = None;
            }
        }
        after.updated_at = if same_row(&before, &after) {
            before.updated_at
        } else {
            self.now()
        };
        self.customer_by_email
            .remove(&(before.website_id, before.email.to_lowercase()));
        self.customer_by_email
            .insert((after.website_id, after.email.to_lowercase()), id);
        for a in &before.addresses {
            self.address_owner.remove(&a.id);
        }
        for a in &after.addresses {
            self.address_owner.insert(a.id, id);
        }
        self.customers.insert(after);
        Ok(())
    }

    /// PUT: `edit` gives the customer as it is to be stored, `addresses` (if sent) the whole
    /// address book: entries whose id the customer has are updated, others created, stored
    /// ones not listed deleted. Everything is validated before anything changes.
    pub(crate) fn save_customer(
        &mut self,
        id: u32,
        edit: impl FnOnce(&mut Customer),
        addresses: Option<Vec<NewAddress>>,
    ) -> Result<(), ApiError> {
        let current = self
            .customers
            .get(id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", id))?;
        let mut after = current.clone();
        edit(&mut after);
        // Only addresses sent are judged: a kept book was accepted when it was saved.
        let sent: Vec<&Postal> = addresses.iter().flatten().map(|a| &a.postal).collect();
        self.check_customer_save(Some(current), &after, &sent)?;
        let book = addresses.map(|list| {
            let (mut billing, mut shipping, mut out) = (None, None, Vec::new());
            for a in list {
                let aid = match a.id.filter(|x| current.address(*x).is_some()) {
                    Some(x) => x,
                    None => next_id(&mut self.ids.address),
                };
                if a.default_billing {
                    billing = Some(aid);
                }
                if a.default_shipping {
                    shipping = Some(aid);
                }
                out.push(CustomerAddress {
                    id: aid,
                    postal: Arc::new(a.postal),
                });
            }
            (out, billing, shipping)
        });
        self.update_customer(id, |c| {
            *c = after;
            if let Some((addresses, billing, shipping)) = book {
                c.addresses = addresses;
                c.default_billing = billing;
                c.default_shipping = shipping;
            }
        })
    }

    /// Changes one address without touching the customer row (no `updated_at` bump).
    pub fn update_customer_address(
        &mut self,
        customer_id: u32,
        address_id: u32,
        edit: impl FnOnce(&mut Postal),
    ) -> Result<(), ApiError> {
        let customer = self
            .customers
            .get_mut_same_key(customer_id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", customer_id))?;
        let address = customer
            .addresses
            .iter_mut()
            .find(|a| a.id == address_id)
            .ok_or_else(|| ApiError::no_such_entity("addressId", address_id))?;
        // A new Arc: orders placed with the old address keep their snapshot.
        let mut postal = (*address.postal).clone();
        edit(&mut postal);
        address.postal = Arc::new(postal);
        Ok(())
    }

    /// `DELETE /V1/addresses/{id}`: clearing a default is a customer-row change.
    pub fn delete_address(&mut self, address_id: u32) -> Result<(), ApiError> {
        let owner = *self
            .address_owner
            .get(&address_id)
            .ok_or_else(|| ApiError::no_such_entity("addressId", address_id))?;
        self.update_customer(owner, |c| {
            c.addresses.retain(|a| a.id != address_id);
        })?;
        self.address_owner.remove(&address_id);
        Ok(())
    }

    /// Hard delete: the customer, its addresses and its newsletter row leave no trace.
    /// Orders keep their data but lose `customer_id` (foreign key `ON DELETE SET NULL`).
    pub fn delete_customer(&mut self, id: u32) -> Result<(), ApiError> {
        let customer = self
            .customers
            .remove(id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", id))?;
        self.customer_by_email
            .remove(&(customer.website_id, customer.email.to_lowercase()));
        for a in &customer.addresses {
            self.address_owner.remove(&a.id);
        }
        if let Some(sub) = self.subscriber_by_customer.remove(&id) {
            self.subscribers.remove(sub);
        }
        self.active_cart_by_customer.remove(&id);
        let owned: Vec<u32> = self
            .orders
            .iter()
            .filter(|o| o.customer_id == Some(id))
            .map(|o| o.id)
            .collect();
        for order_id in owned {
            if let Some(o) = self.orders.get_mut_same_key(order_id) {
                o.customer_id = None;
            }
        }
        Ok(())
    }
}
