use super::{Digest, MapError, text};
use magento::types::CreditMemo;
use store::sync_write::{CreditMemoItemRecord, CreditMemoRecord};

pub fn credit_memo(m: &CreditMemo, digest: &Digest) -> Result<CreditMemoRecord, MapError> {
    let magento_id = m
        .entity_id
        .filter(|id| *id > 0)
        .ok_or_else(|| MapError::missing("entity_id"))?;
    let order_magento_id = m
        .order_id
        .filter(|id| *id > 0)
        .ok_or_else(|| MapError::missing("order_id"))?;
    let state = match m.state {
        None => None,
        Some(s @ 1..=3) => Some(s as i16),
        Some(other) => {
            return Err(MapError::invalid(
                "state",
                format!("unknown credit memo state {other}"),
            ));
        }
    };
    let items = m
        .items
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| {
            Some(CreditMemoItemRecord {
                magento_id: i.entity_id?,
                order_item_magento_id: i.order_item_id,
                sku: text(&i.sku),
                name: text(&i.name),
                qty: i.qty,
                price: i.price,
                row_total: i.row_total,
                tax_amount: i.tax_amount,
                discount_amount: i.discount_amount,
            })
        })
        .collect();
    Ok(CreditMemoRecord {
        magento_id,
        increment_id: text(&m.increment_id),
        order_magento_id,
        store_id: m.store_id,
        state,
        subtotal: m.subtotal,
        shipping_amount: m.shipping_amount,
        adjustment: m.adjustment,
        adjustment_positive: m.adjustment_positive,
        adjustment_negative: m.adjustment_negative,
        tax_amount: m.tax_amount,
        discount_amount: m.discount_amount,
        grand_total: m.grand_total,
        order_currency_code: text(&m.order_currency_code),
        created_at: m.created_at,
        updated_at: m.updated_at,
        items,
        payload_hash: digest.to_vec(),
    })
}
