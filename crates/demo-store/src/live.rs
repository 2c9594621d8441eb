//! Live changes: shoppers register, fill and abandon carts, check out, get refunds, edit
//! their accounts and (un)subscribe — each through the same store methods the REST API uses,
//! so every change bumps `updated_at` exactly as a real store would.

use std::ops::Bound;
use std::sync::Arc;

use rand::Rng;
use serde::Serialize;

use crate::generate::{chance, draw_lines, pick, weighted};
use crate::model::{
    OrderState, PaymentMethod, ProductType, QuoteAddress, StockItem, SubscriberStatus, text,
};
use crate::store::{NewAddress, NewCustomer, RefundRequest, Row, Store, Table};

/// One applied live event (reported by `POST /_demo/live/tick`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveEvent {
    pub kind: &'static str,
    pub entity: &'static str,
    pub id: u32,
}

fn event(kind: &'static str, entity: &'static str, id: u32) -> Option<LiveEvent> {
    Some(LiveEvent { kind, entity, id })
}

/// Applies `n` random events (fewer if some find nothing to act on).
pub fn apply_events(store: &mut Store, n: usize) -> Vec<LiveEvent> {
    (0..n).filter_map(|_| apply_one(store)).collect()
}

fn apply_one(store: &mut Store) -> Option<LiveEvent> {
    let kind = weighted(&mut store.rng, &[10, 20, 12, 8, 15, 10, 4, 9, 8, 4]);
    match kind {
        0 => new_customer(store),
        1 => fill_cart(store),
        2 => new_cart(store),
        3 => change_cart_line(store),
        4 => place_order(store),
        5 => progress_order(store),
        6 => refund(store),
        7 => edit_customer(store),
        8 => toggle_subscription(store),
        _ => deactivate_cart(store),
    }
}

/// A row at or after the random id `seed % max` that satisfies `ok` (looks at up to 2,000
/// rows, wrapping around).
fn random_row<T: Row>(seed: u32, table: &Table<T>, ok: impl Fn(&T) -> bool) -> Option<u32> {
    let max = table.max_id();
    if max == 0 {
        return None;
    }
    let start = 1 + seed % max;
    table
        .range(Bound::Included(start), Bound::Unbounded)
        .chain(table.range(Bound::Unbounded, Bound::Excluded(start)))
        .take(2_000)
        .find(|r| ok(r))
        .map(Row::id)
}

/// What a shopper can put in a cart of `website` without meeting a stock rule: enabled
/// simple products there with unmanaged stock and the default sale limits (no benchmark
/// products, as in the generated history).
fn sellable(store: &Store, website: u16) -> Vec<u32> {
    store
        .products
        .iter()
        .filter(|p| p.status == 1 && p.type_id == ProductType::Simple)
        .filter(|p| p.website_ids.contains(&website))
        .filter(|p| p.stock == StockItem::default())
        .filter(|p| !p.sku.starts_with(crate::generate::EXTRA_SKU_PREFIX))
        .map(|p| p.id)
        .collect()
}

fn new_customer(store: &mut Store) -> Option<LiveEvent> {
    let website_id = [1u16, 2, 3][weighted(&mut store.rng, &[70, 20, 10])];
    let person = store.people.person(&mut store.rng, website_id);
    let postal = store.people.postal(&mut store.rng, &person);
    let n = store.rng.gen_range(0..1_000_000);
    let email = format!(
        "{}.{}.live{n}@{}",
        person.first_ascii, person.last_ascii, person.culture.mail_domain
    );
    let store_id = *pick(&mut store.rng, crate::generate::store_views_of(website_id));
    let subscribe = chance(&mut store.rng, 0.3).then_some(true);
    let id = store
        .create_customer(NewCustomer {
            email,
            firstname: person.first.to_string(),
            lastname: person.last.to_string(),
            website_id,
            store_id,
            group_id: 1,
            addresses: vec![NewAddress {
                id: None,
                postal,
                default_billing: true,
                default_shipping: true,
            }],
            is_subscribed: subscribe,
            ..NewCustomer::default()
        })
        .ok()?;
    event("customer_registered", "customer", id)
}

/// Adds an item to a live cart (the shopper keeps browsing).
fn fill_cart(store: &mut Store) -> Option<LiveEvent> {
    let cart = random_row(store.rng.r#gen(), &store.carts, |c| c.is_active)?;
    add_random_items(store, cart, 1)?;
    event("cart_item_added", "cart", cart)
}

fn add_random_items(store: &mut Store, cart: u32, max_lines: usize) -> Option<()> {
    let store_id = store.carts.get(cart)?.store_id;
    let products = sellable(store, store.catalog.website_of_store(store_id).id);
    let lines = draw_lines(&mut store.rng, &store.catalog, &products);
    for line in lines.into_iter().take(max_lines) {
        let product = store.catalog.product(line.product_id)?.clone();
        let (sku, options) = match product.parent_id.and_then(|p| store.catalog.product(p)) {
            Some(parent) => {
                let (color, size) = product.options.unwrap_or_default();
                let opts = vec![
                    (crate::model::COLOR_ATTRIBUTE_ID, color),
                    (crate::model::SIZE_ATTRIBUTE_ID, size),
                ];
                (parent.sku.to_string(), opts)
            }
            None => (product.sku.to_string(), Vec::new()),
        };
        store
            .add_cart_item(cart, &sku, line.qty as i64, &options)
            .ok()?;
    }
    Some(())
}

/// A new cart with items; most of them will be abandoned.
fn new_cart(store: &mut Store) -> Option<LiveEvent> {
    let registered = chance(&mut store.rng, 0.6);
    let customer = if registered {
        random_row(store.rng.r#gen(), &store.customers, |c| {
            store.active_cart_of(c.id).is_none()
        })
    } else {
        None
    };
    let store_id = match customer.and_then(|c| store.customers.get(c)) {
        Some(c) => c.store_id,
        None => *pick(&mut store.rng, &[1u16, 1, 2, 3, 4, 5]),
    };
    let cart = store.create_cart(store_id, customer).ok()?;
    if customer.is_none() && chance(&mut store.rng, 0.5) {
        // An identified guest: e-mail typed at the shipping step.
        let website = store.catalog.website_of_store(store_id).id;
        let person = store.people.person(&mut store.rng, website);
        let postal = store.people.postal(&mut store.rng, &person);
        let email = store.people.guest_email(&mut store.rng, &person);
        let address = QuoteAddress {
            postal: Arc::new(postal),
            email: Some(email),
            customer_address_id: None,
        };
        store.set_billing_address(cart, address, true).ok()?;
    }
    let lines = 1 + store.rng.gen_range(0..3);
    add_random_items(store, cart, lines)?;
    event("cart_created", "cart", cart)
}

fn change_cart_line(store: &mut Store) -> Option<LiveEvent> {
    let cart_id = random_row(store.rng.r#gen(), &store.carts, |c| {
        c.is_active && !c.items.is_empty()
    })?;
    let cart = store.carts.get(cart_id)?.clone();
    let line = pick(&mut store.rng, &cart.items).clone();
    if chance(&mut store.rng, 0.3) {
        store.remove_cart_item(cart_id, line.item_id).ok()?;
        return event("cart_item_removed", "cart", cart_id);
    }
    let qty = 1 + store.rng.gen_range(0..4);
    store.update_cart_item(cart_id, line.item_id, qty).ok()?;
    event("cart_item_updated", "cart", cart_id)
}

/// Checkout of a random live cart, with a random active payment method.
fn place_order(store: &mut Store) -> Option<LiveEvent> {
    let cart_id = random_row(store.rng.r#gen(), &store.carts, |c| {
        c.is_active && !c.items.is_empty()
    })?;
    let methods = store.checkout.payment_methods.clone();
    let payment = (!methods.is_empty()).then(|| *pick(&mut store.rng, &methods));
    let order = store
        .checkout_with_payment(cart_id, payment.map(PaymentMethod::code))
        .ok()?;
    event("order_placed", "order", order)
}

fn progress_order(store: &mut Store) -> Option<LiveEvent> {
    let id = random_row(store.rng.r#gen(), &store.orders, |o| {
        matches!(o.state, OrderState::New | OrderState::Processing)
    })?;
    if chance(&mut store.rng, 0.1) {
        store.cancel_order(id).ok()?;
        return event("order_canceled", "order", id);
    }
    store.advance_order(id).ok()?;
    event("order_progressed", "order", id)
}

fn refund(store: &mut Store) -> Option<LiveEvent> {
    let id = random_row(store.rng.r#gen(), &store.orders, |o| {
        matches!(o.state, OrderState::Processing | OrderState::Complete)
    })?;
    let order = store.orders.get(id)?.clone();
    let request = if chance(&mut store.rng, 0.5) {
        RefundRequest::default()
    } else {
        let row = order
            .items
            .iter()
            .find(|i| i.kind != crate::model::ItemKind::Child && i.qty_invoiced > i.qty_refunded)?;
        RefundRequest {
            items: vec![(row.item_id, 1)],
            ..RefundRequest::default()
        }
    };
    let memo = store.refund(id, request).ok()?;
    event("order_refunded", "creditmemo", memo)
}

/// Half of the edits touch only an address: `updated_at` must not move for those.
fn edit_customer(store: &mut Store) -> Option<LiveEvent> {
    let id = random_row(store.rng.r#gen(), &store.customers, |_| true)?;
    let customer = store.customers.get(id)?.clone();
    if let (Some(address), true) = (customer.addresses.first(), chance(&mut store.rng, 0.5)) {
        let phone = format!("+1 555 {:04}", store.rng.gen_range(0..10_000));
        store
            .update_customer_address(id, address.id, |p| p.telephone = text(&phone))
            .ok()?;
        return event("customer_address_edited", "customer", id);
    }
    let group = 1 + store.rng.gen_range(0..3);
    let middle = chance(&mut store.rng, 0.5).then(|| text("Q."));
    store
        .update_customer(id, |c| {
            c.group_id = group;
            c.middlename = middle;
        })
        .ok()?;
    event("customer_edited", "customer", id)
}

fn toggle_subscription(store: &mut Store) -> Option<LiveEvent> {
    if chance(&mut store.rng, 0.2) {
        let email = format!(
            "newsletter{}@example.org",
            store.rng.gen_range(0..1_000_000)
        );
        let id = store.add_guest_subscriber(&email, 1, SubscriberStatus::Subscribed);
        return event("guest_subscribed", "subscriber", id);
    }
    let id = random_row(store.rng.r#gen(), &store.customers, |_| true)?;
    let subscribed = store
        .subscriber_of_customer(id)
        .is_some_and(|s| s.status == SubscriberStatus::Subscribed);
    store.set_subscribed(id, !subscribed).ok()?;
    event(
        if subscribed {
            "unsubscribed"
        } else {
            "subscribed"
        },
        "customer",
        id,
    )
}

fn deactivate_cart(store: &mut Store) -> Option<LiveEvent> {
    let id = random_row(store.rng.r#gen(), &store.carts, |c| c.is_active)?;
    store.deactivate_cart(id).ok()?;
    event("cart_deactivated", "cart", id)
}
