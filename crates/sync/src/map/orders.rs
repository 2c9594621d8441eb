use super::{Digest, MapError, id, street, text};
use magento::types::{Order, OrderAddress};
use store::sync_write::{OrderAddressRecord, OrderItemRecord, OrderRecord, StatusHistoryRecord};

fn address(a: &OrderAddress, fallback_type: &str) -> OrderAddressRecord {
    OrderAddressRecord {
        address_type: text(&a.address_type).unwrap_or_else(|| fallback_type.to_string()),
        first_name: text(&a.firstname),
        last_name: text(&a.lastname),
        company: text(&a.company),
        street: street(&a.street),
        city: text(&a.city),
        region: text(&a.region),
        region_code: text(&a.region_code),
        postcode: text(&a.postcode),
        country_id: text(&a.country_id),
        telephone: text(&a.telephone),
        email: text(&a.email),
    }
}

pub fn order(o: &Order, digest: &Digest) -> Result<OrderRecord, MapError> {
    let magento_id = o
        .entity_id
        .filter(|id| *id > 0)
        .ok_or_else(|| MapError::missing("entity_id"))?;
    // The shipping address lives only in the shipping assignments (magento-api.md §3.5).
    let shipping = o
        .extension_attributes
        .as_ref()
        .and_then(|e| e.shipping_assignments.as_deref())
        .and_then(|a| a.first())
        .and_then(|a| a.shipping.as_ref());
    let shipping_address = shipping.and_then(|s| s.address.as_ref());
    let mut addresses = Vec::new();
    if let Some(b) = &o.billing_address {
        addresses.push(address(b, "billing"));
    }
    if let Some(s) = shipping_address {
        let mut a = address(s, "shipping");
        a.address_type = "shipping".into();
        addresses.push(a);
    }
    addresses.dedup_by(|a, b| a.address_type == b.address_type);

    let items = o
        .items
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| {
            Some(OrderItemRecord {
                magento_id: i.item_id?,
                parent_magento_id: id(i.parent_item_id)
                    .or_else(|| i.parent_item.as_ref().and_then(|p| id(p.item_id))),
                sku: text(&i.sku),
                name: text(&i.name),
                product_type: text(&i.product_type),
                qty_ordered: i.qty_ordered,
                qty_invoiced: i.qty_invoiced,
                qty_refunded: i.qty_refunded,
                qty_canceled: i.qty_canceled,
                price: i.price,
                original_price: i.original_price,
                row_total: i.row_total,
                tax_amount: i.tax_amount,
                discount_amount: i.discount_amount,
                amount_refunded: i.amount_refunded,
            })
        })
        .collect();
    let history = o
        .status_histories
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|h| {
            Some(StatusHistoryRecord {
                magento_id: h.entity_id?,
                status: text(&h.status),
                comment: text(&h.comment),
                is_customer_notified: h.is_customer_notified,
                created_at: h.created_at,
            })
        })
        .collect();
    let customer_magento_id = id(o.customer_id);
    Ok(OrderRecord {
        magento_id,
        increment_id: text(&o.increment_id),
        quote_magento_id: id(o.quote_id),
        customer_magento_id,
        is_guest: o.customer_is_guest.unwrap_or(customer_magento_id.is_none()),
        email: text(&o.customer_email)
            .or_else(|| o.billing_address.as_ref().and_then(|b| text(&b.email))),
        first_name: text(&o.customer_firstname)
            .or_else(|| o.billing_address.as_ref().and_then(|b| text(&b.firstname))),
        last_name: text(&o.customer_lastname)
            .or_else(|| o.billing_address.as_ref().and_then(|b| text(&b.lastname))),
        store_id: o.store_id,
        state: text(&o.state),
        status: text(&o.status),
        subtotal: o.subtotal,
        discount_amount: o.discount_amount,
        shipping_amount: o.shipping_amount,
        tax_amount: o.tax_amount,
        grand_total: o.grand_total,
        total_paid: o.total_paid,
        total_invoiced: o.total_invoiced,
        total_refunded: o.total_refunded,
        total_canceled: o.total_canceled,
        total_due: o.total_due,
        base_subtotal: o.base_subtotal,
        base_discount_amount: o.base_discount_amount,
        base_grand_total: o.base_grand_total,
        order_currency_code: text(&o.order_currency_code),
        base_currency_code: text(&o.base_currency_code),
        total_qty_ordered: o.total_qty_ordered,
        total_item_count: o.total_item_count.and_then(|n| i32::try_from(n).ok()),
        payment_method: o.payment.as_ref().and_then(|p| text(&p.method)),
        shipping_method: shipping.and_then(|s| text(&s.method)),
        shipping_description: text(&o.shipping_description),
        coupon_code: text(&o.coupon_code),
        billing_country: o.billing_address.as_ref().and_then(|b| text(&b.country_id)),
        shipping_country: shipping_address.and_then(|a| text(&a.country_id)),
        created_at: o.created_at,
        updated_at: o.updated_at,
        items,
        addresses,
        history,
        payload_hash: digest.to_vec(),
    })
}
