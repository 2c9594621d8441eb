use super::{Digest, MapContext, MapError, id, text};
use crate::cart_status;
use magento::types::Cart;
use rust_decimal::Decimal;
use store::sync_write::{CartItemRecord, CartRecord};

/// Decimal from a JSON value Magento may or may not send (totals are not part of CartInterface;
/// some stores add them).
fn extra_decimal(cart: &Cart, key: &str) -> Option<Decimal> {
    match cart.extra.get(key)? {
        serde_json::Value::Number(n) => n.to_string().parse().ok(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn cart(c: &Cart, digest: &Digest, ctx: &MapContext) -> Result<CartRecord, MapError> {
    let magento_id =
        c.id.filter(|id| *id > 0)
            .ok_or_else(|| MapError::missing("id"))?;
    let is_active = c.is_active.unwrap_or(false);
    let customer = c.customer.as_ref();
    let customer_magento_id = id(customer.and_then(|c| c.id));
    let billing = c.billing_address.as_ref();
    let email = customer
        .and_then(|c| text(&c.email))
        .or_else(|| billing.and_then(|b| text(&b.email)));
    let first_name = customer
        .and_then(|c| text(&c.firstname))
        .or_else(|| billing.and_then(|b| text(&b.firstname)));
    let last_name = customer
        .and_then(|c| text(&c.lastname))
        .or_else(|| billing.and_then(|b| text(&b.lastname)));
    let has_billing_address = billing.is_some_and(|b| {
        text(&b.country_id).is_some()
            || super::street(&b.street).is_some()
            || text(&b.postcode).is_some()
    });

    // Inactive carts come without items (magento-api.md §7.2): `None` keeps what was captured.
    let items = c.items.as_ref().map(|items| {
        items
            .iter()
            .filter_map(|i| {
                Some(CartItemRecord {
                    magento_id: i.item_id?,
                    sku: text(&i.sku),
                    name: text(&i.name),
                    product_type: text(&i.product_type),
                    qty: i.qty,
                    price: i.price,
                    row_total: match (i.price, i.qty) {
                        (Some(p), Some(q)) => Some((p * q).round_dp(4)),
                        _ => None,
                    },
                })
            })
            .collect::<Vec<_>>()
    });
    let store_subtotal = extra_decimal(c, "subtotal");
    let store_grand_total = extra_decimal(c, "grand_total");
    let items_sum = items
        .as_ref()
        .map(|items| items.iter().filter_map(|i| i.row_total).sum::<Decimal>());
    let totals_from_store = store_grand_total.is_some();
    let subtotal = store_subtotal.or(items_sum);
    let grand_total = store_grand_total.or(items_sum);

    Ok(CartRecord {
        magento_id,
        customer_magento_id,
        is_guest: c.customer_is_guest.unwrap_or(customer_magento_id.is_none()),
        email,
        first_name,
        last_name,
        store_id: c.store_id,
        is_active,
        is_virtual: c.is_virtual,
        items_count: c
            .items_count
            .and_then(|n| i32::try_from(n).ok())
            .or_else(|| items.as_ref().map(|i| i.len() as i32))
            .unwrap_or(0),
        items_qty: c.items_qty.unwrap_or_default(),
        subtotal,
        grand_total,
        totals_from_store,
        base_currency_code: c
            .currency
            .as_ref()
            .and_then(|x| text(&x.base_currency_code)),
        quote_currency_code: c
            .currency
            .as_ref()
            .and_then(|x| text(&x.quote_currency_code)),
        reserved_order_id: text(&c.reserved_order_id),
        billing_country: billing.and_then(|b| text(&b.country_id)),
        has_billing_address,
        created_at: c.created_at,
        updated_at: c.updated_at,
        converted_at: c.converted_at,
        status: cart_status::from_payload(is_active, c.updated_at, ctx.cart_lifetime, ctx.now),
        items,
        payload_hash: digest.to_vec(),
    })
}
