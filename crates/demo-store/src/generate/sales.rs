//! Orders, the carts they came from, extra carts in every state, and credit memos.
//!
//! Orders are drawn first (one per `scale`), each with a converted cart; then extra carts
//! (≈ 0.2 × scale): live, abandoned, deactivated and empty. Carts get their ids only after
//! sorting by creation time, so ids follow time like Magento's auto-increment.

use std::sync::Arc;

use rand::Rng;
use rust_decimal::Decimal;

use super::carts::{converted_cart, extra_carts, link_quote_items};
use super::orders::{apply_state, draw_state, last_change, order_items, recompute_totals};
use super::people::mixed_case;
use super::refunds::refunds;
use super::{PersonGen, Rng8, Window, chance, pick, stream, weighted};
use crate::clock::Ts;
use crate::model::{
    Cart, CartItem, Catalog, CreditMemo, Customer, Order, OrderAddress, OrderState, PaymentMethod,
    Postal, ProductType, ShippingMethod, Text, text,
};
use crate::pricing::{self, COUPONS};

pub(crate) struct Sales {
    pub orders: Vec<Order>,
    pub carts: Vec<Cart>,
    pub credit_memos: Vec<CreditMemo>,
}

/// Who buys: a registered customer (by index) or a guest with contact details.
pub(super) struct Buyer {
    pub(super) customer: Option<usize>,
    pub(super) store_id: u16,
    pub(super) group_id: u16,
    pub(super) email: Text,
    pub(super) firstname: Text,
    pub(super) lastname: Text,
    pub(super) billing: (Arc<Postal>, Option<u32>),
    pub(super) shipping: (Arc<Postal>, Option<u32>),
}

/// A cart before ids are assigned; `order` links a converted cart to its order index.
pub(super) struct DraftCart {
    pub(super) cart: Cart,
    pub(super) order: Option<usize>,
}

pub(crate) fn generate(
    seed: u64,
    scale: usize,
    window: Window,
    catalog: &Catalog,
    customers: &[Customer],
) -> Sales {
    let mut rng = stream(seed, 2);
    let mut people_gen = PersonGen::default();
    let sellable: Vec<u32> = catalog
        .products
        .iter()
        .filter(|p| p.status == 1 && p.type_id == ProductType::Simple)
        .filter(|p| !p.sku.starts_with(super::EXTRA_SKU_PREFIX))
        .map(|p| p.id)
        .collect();
    let created: Vec<Ts> = customers.iter().map(|c| c.created_at).collect();
    let mass = window.mass_update_seconds(&mut rng);
    let times = window.sorted_times(&mut rng, scale, 0.2);

    let mut orders = Vec::with_capacity(scale);
    let mut drafts = Vec::with_capacity(scale + scale / 4);
    let mut next_item = 1u32;
    for (i, at) in times.into_iter().enumerate() {
        let buyer = buyer(&mut rng, &mut people_gen, catalog, customers, &created, at);
        let order = order(
            &mut rng,
            catalog,
            customers,
            &buyer,
            &sellable,
            i as u32 + 1,
            at,
            window,
            &mass,
            &mut next_item,
        );
        drafts.push(DraftCart {
            cart: converted_cart(&mut rng, catalog, &order, window),
            order: Some(i),
        });
        orders.push(order);
    }
    let credit_memos = refunds(&mut stream(seed, 3), &mut orders, window);

    extra_carts(
        &mut rng,
        &mut people_gen,
        catalog,
        customers,
        &created,
        &sellable,
        scale,
        window,
        &mut drafts,
    );

    // Ids in creation order; ties keep generation order (stable sort).
    drafts.sort_by_key(|d| d.cart.created_at);
    let mut next_cart_item = 1u32;
    let mut carts = Vec::with_capacity(drafts.len());
    for (i, mut draft) in drafts.into_iter().enumerate() {
        let id = i as u32 + 1;
        draft.cart.id = id;
        for item in &mut draft.cart.items {
            item.item_id = next_cart_item;
            next_cart_item += 1;
        }
        if let Some(oi) = draft.order {
            let order = &mut orders[oi];
            order.quote_id = id;
            link_quote_items(order, &draft.cart);
        }
        carts.push(draft.cart);
    }
    Sales {
        orders,
        carts,
        credit_memos,
    }
}

pub(super) fn buyer(
    rng: &mut Rng8,
    people_gen: &mut PersonGen,
    catalog: &Catalog,
    customers: &[Customer],
    created: &[Ts],
    at: Ts,
) -> Buyer {
    let registered = created.partition_point(|t| *t <= at);
    if registered > 0 && chance(rng, 0.75) {
        // Squared draw: older customers come back more often (repeat buyers).
        let idx = ((rng.r#gen::<f64>().powi(2)) * registered as f64) as usize;
        let c = &customers[idx.min(registered - 1)];
        let fallback = || Arc::new(name_only_postal(c));
        let billing = c
            .default_billing_address()
            .map(|a| (a.postal.clone(), Some(a.id)));
        let shipping = c
            .default_shipping_address()
            .map(|a| (a.postal.clone(), Some(a.id)));
        let billing = billing.unwrap_or_else(|| (fallback(), None));
        let shipping = shipping.unwrap_or_else(|| billing.clone());
        let store_id = if chance(rng, 0.8) {
            c.store_id
        } else {
            *pick(rng, super::names::store_views_of_website(c.website_id))
        };
        return Buyer {
            customer: Some(c.id as usize - 1),
            store_id,
            group_id: c.group_id,
            email: c.email.clone(),
            firstname: c.firstname.clone(),
            lastname: c.lastname.clone(),
            billing,
            shipping,
        };
    }
    let website_id = [1u16, 2, 3][weighted(rng, &[70, 20, 10])];
    let store_id = *pick(rng, super::names::store_views_of_website(website_id));
    let person = people_gen.person(rng, website_id);
    // Some guests later register (or registered elsewhere) with the same e-mail, typed
    // in another case: the CRM must merge them.
    let email = if !customers.is_empty() && chance(rng, 0.2) {
        let c = pick(rng, customers);
        text(&if chance(rng, 0.5) {
            mixed_case(&c.email)
        } else {
            c.email.to_uppercase()
        })
    } else {
        people_gen.guest_email(rng, &person)
    };
    let postal = Arc::new(people_gen.postal(rng, &person));
    let _ = catalog;
    Buyer {
        customer: None,
        store_id,
        group_id: 0,
        email,
        firstname: person.first.clone(),
        lastname: person.last.clone(),
        billing: (postal.clone(), None),
        shipping: (postal, None),
    }
}

/// A registered customer without an address book still checks out with an address; it
/// carries the customer's names and a generic place.
fn name_only_postal(c: &Customer) -> Postal {
    Postal {
        firstname: c.firstname.clone(),
        lastname: c.lastname.clone(),
        company: None,
        street: vec![text("1 Checkout Lane")],
        city: text("Springfield"),
        postcode: text("62701"),
        telephone: text("+1 555 0100"),
        country_id: text("US"),
        region: crate::model::RegionRef::Known(23),
        vat_id: None,
    }
}

/// Lines of a new cart or order: 1–4 products, half of them configurable.
pub(crate) fn draw_lines(rng: &mut Rng8, catalog: &Catalog, sellable: &[u32]) -> Vec<CartItem> {
    let count = 1 + weighted(rng, &[50, 30, 15, 5]);
    let mut lines: Vec<CartItem> = Vec::with_capacity(count);
    for _ in 0..count {
        let product = catalog
            .product(*pick(rng, sellable))
            .expect("sellable products exist");
        if lines.iter().any(|l| l.product_id == product.id) {
            continue;
        }
        lines.push(CartItem {
            item_id: 0,
            product_id: product.id,
            parent_id: product.parent_id,
            qty: 1 + weighted(rng, &[70, 20, 10]) as u32,
            price: product.price,
        });
    }
    lines
}

#[allow(clippy::too_many_arguments)]
fn order(
    rng: &mut Rng8,
    catalog: &Catalog,
    customers: &[Customer],
    buyer: &Buyer,
    sellable: &[u32],
    id: u32,
    at: Ts,
    window: Window,
    mass: &[Ts; 3],
    next_item: &mut u32,
) -> Order {
    let lines = draw_lines(rng, catalog, sellable);
    let coupon = chance(rng, 0.15).then(|| *pick(rng, &COUPONS));
    let website = catalog.website_of_store(buyer.store_id);
    let items = order_items(
        &lines,
        coupon.map(|c| c.2).unwrap_or(0),
        website.tax_rate,
        next_item,
    );
    let age_days = (window.end.0 - at.0) / 86_400;
    let state = draw_state(rng, age_days);
    let customer = buyer.customer.map(|i| &customers[i]);
    let mut order = Order {
        id,
        store_id: buyer.store_id,
        quote_id: 0,
        created_at: at,
        updated_at: at,
        state: OrderState::New,
        status: OrderState::New.default_status(),
        customer_id: customer.map(|c| c.id),
        customer_is_guest: customer.is_none(),
        customer_group_id: buyer.group_id,
        customer_email: buyer.email.clone(),
        customer_firstname: buyer.firstname.clone(),
        customer_lastname: buyer.lastname.clone(),
        customer_gender: customer.and_then(|c| c.gender),
        customer_dob: customer.and_then(|c| c.dob),
        billing: OrderAddress {
            postal: buyer.billing.0.clone(),
            email: buyer.email.clone(),
            customer_address_id: buyer.billing.1,
        },
        shipping: OrderAddress {
            postal: buyer.shipping.0.clone(),
            email: buyer.email.clone(),
            customer_address_id: buyer.shipping.1,
        },
        items,
        shipping_method: ShippingMethod::Flatrate,
        payment_method: *pick(rng, &PaymentMethod::OFFLINE),
        coupon_code: coupon.map(|c| text(c.0)),
        subtotal: Decimal::ZERO,
        discount_amount: Decimal::ZERO,
        shipping_amount: Decimal::ZERO,
        tax_amount: Decimal::ZERO,
        grand_total: Decimal::ZERO,
        total_paid: Decimal::ZERO,
        total_invoiced: Decimal::ZERO,
        total_refunded: Decimal::ZERO,
        total_canceled: Decimal::ZERO,
        email_sent: chance(rng, 0.95),
    };
    let subtotal: Decimal = order.items.iter().map(|i| i.row_total()).sum();
    let qty = order.total_qty_ordered();
    order.shipping_method = if pricing::shipping_amount(ShippingMethod::Freeshipping, qty, subtotal)
        .is_some()
        && chance(rng, 0.6)
    {
        ShippingMethod::Freeshipping
    } else {
        *pick(
            rng,
            &[ShippingMethod::Flatrate, ShippingMethod::TablerateBestway],
        )
    };
    recompute_totals(&mut order);
    apply_state(&mut order, state);
    order.updated_at = last_change(rng, state, at, window, mass);
    order
}
