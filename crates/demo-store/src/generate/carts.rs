//! Carts: the converted cart of every order and the extra carts in every other state.

use rand::Rng;

use super::{Rng8, Window, chance, weighted};
use crate::clock::Ts;
use crate::model::{
    Cart, CartItem, Catalog, Customer, ItemKind, Order, Postal, QuoteAddress, ShippingMethod, text,
};

use super::PersonGen;
use super::sales::{DraftCart, buyer, draw_lines};
use crate::pricing::COUPONS;
use std::sync::Arc;

pub(super) fn converted_cart(
    rng: &mut Rng8,
    catalog: &Catalog,
    order: &Order,
    window: Window,
) -> Cart {
    let lines = cart_lines_of(catalog, order);
    Cart {
        id: 0,
        store_id: order.store_id,
        created_at: order
            .created_at
            .plus(-rng.gen_range(120..(2 * 86_400)))
            .max(window.start),
        updated_at: order.created_at,
        is_active: false,
        customer_id: order.customer_id,
        customer_group_id: order.customer_group_id,
        customer_email: Some(order.customer_email.clone()),
        customer_firstname: Some(order.customer_firstname.clone()),
        customer_lastname: Some(order.customer_lastname.clone()),
        items: lines,
        billing: Some(QuoteAddress {
            postal: order.billing.postal.clone(),
            email: Some(order.customer_email.clone()),
            customer_address_id: order.billing.customer_address_id,
        }),
        shipping: Some(QuoteAddress {
            postal: order.shipping.postal.clone(),
            email: Some(order.customer_email.clone()),
            customer_address_id: order.shipping.customer_address_id,
        }),
        shipping_method: Some(order.shipping_method),
        payment_method: Some(order.payment_method),
        coupon_code: order.coupon_code.clone(),
        order_id: Some(order.id),
        reserved_order_id: Some(text(&catalog.increment_id(order.store_id, order.id))),
    }
}

fn cart_lines_of(catalog: &Catalog, order: &Order) -> Vec<CartItem> {
    order
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Child)
        .map(|i| CartItem {
            item_id: 0,
            product_id: i.product_id,
            parent_id: catalog.product(i.product_id).and_then(|p| p.parent_id),
            qty: i.qty_ordered,
            price: i.price,
        })
        .collect()
}

/// Gives order rows the ids of the cart lines they came from.
pub(super) fn link_quote_items(order: &mut Order, cart: &Cart) {
    let mut lines = cart.items.iter();
    let mut current = 0;
    for item in &mut order.items {
        if item.kind != ItemKind::Child {
            current = lines.next().map(|l| l.item_id).unwrap_or(0);
        }
        item.quote_item_id = current;
    }
}

/// Carts that did not (yet) become orders: live, abandoned, deactivated and empty ones.
#[allow(clippy::too_many_arguments)]
pub(super) fn extra_carts(
    rng: &mut Rng8,
    people_gen: &mut PersonGen,
    catalog: &Catalog,
    customers: &[Customer],
    created: &[Ts],
    sellable: &[u32],
    scale: usize,
    window: Window,
    drafts: &mut Vec<DraftCart>,
) {
    // One active cart per customer: Magento re-uses it (issue 5913).
    let mut has_active = vec![false; customers.len()];
    let hour = 3600i64;
    for _ in 0..(scale / 5).max(6) {
        let kind = weighted(rng, &[25, 40, 15, 20]);
        let updated_at = match kind {
            // Live: touched in the last six hours.
            0 => window.end.plus(-rng.gen_range(0..6 * hour)),
            // Abandoned: one hour to two months ago (some past the quote lifetime).
            1 => window.end.plus(-rng.gen_range(hour..60 * 24 * hour)),
            _ => window.after(rng, window.start),
        };
        let created_at = updated_at
            .plus(-rng.gen_range(0..3 * 24 * hour))
            .max(window.start);
        let is_active = kind != 2;
        let buyer = buyer(rng, people_gen, catalog, customers, created, created_at);
        let mut customer = buyer.customer;
        if let Some(i) = customer.filter(|_| is_active) {
            if has_active[i] {
                customer = None;
            } else {
                has_active[i] = true;
            }
        }
        let identified = customer.is_some() || chance(rng, 0.5);
        let items = if kind == 3 {
            Vec::new()
        } else {
            draw_lines(rng, catalog, sellable)
        };
        let address = |(postal, id): &(Arc<Postal>, Option<u32>)| QuoteAddress {
            postal: postal.clone(),
            email: identified.then(|| buyer.email.clone()),
            customer_address_id: customer.and(*id),
        };
        let with_address = identified && !items.is_empty() && chance(rng, 0.7);
        drafts.push(DraftCart {
            cart: Cart {
                id: 0,
                store_id: buyer.store_id,
                created_at,
                updated_at,
                is_active,
                customer_id: customer.map(|i| customers[i].id),
                customer_group_id: if customer.is_some() {
                    buyer.group_id
                } else {
                    0
                },
                customer_email: identified.then(|| buyer.email.clone()),
                customer_firstname: customer.map(|_| buyer.firstname.clone()),
                customer_lastname: customer.map(|_| buyer.lastname.clone()),
                items,
                billing: with_address.then(|| address(&buyer.billing)),
                shipping: with_address.then(|| address(&buyer.shipping)),
                shipping_method: (with_address && chance(rng, 0.5))
                    .then_some(ShippingMethod::Flatrate),
                payment_method: None,
                coupon_code: chance(rng, 0.05).then(|| text(COUPONS[0].0)),
                order_id: None,
                reserved_order_id: None,
            },
            order: None,
        });
    }
}
