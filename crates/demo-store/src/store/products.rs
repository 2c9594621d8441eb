//! Products as they are now: admin edits (price, status, websites) that bump `updated_at`
//! for an incremental product sync, and stock: the quantity validator's item errors and
//! the decrement when an order is placed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::Store;
use crate::error::ApiError;
use crate::model::{CartItem, Product, StockItem};

pub(crate) const OUT_OF_STOCK: &str = "This product is out of stock.";
const FEWEST: &str = "The fewest you may purchase is %1.";
const MOST: &str = "The most you may purchase is %1.";
const NOT_AVAILABLE: &str = "The requested qty is not available";
const NOT_ALL_AVAILABLE: &str = "Not all of your products are available in the requested quantity.";

/// Magento's quantity validator for `qty` of one product: every rule the quantity breaks.
/// Sold out is final; otherwise the sale limits, then the tracked quantity.
fn stock_messages(stock: &StockItem, qty: u32) -> Vec<(&'static str, Vec<Value>)> {
    if !stock.is_in_stock {
        return vec![(OUT_OF_STOCK, Vec::new())];
    }
    let mut out = Vec::new();
    if qty < stock.min_sale_qty {
        out.push((FEWEST, vec![stock.min_sale_qty.into()]));
    }
    if qty > stock.max_sale_qty {
        out.push((MOST, vec![stock.max_sale_qty.into()]));
    }
    if stock.qty.is_some_and(|available| qty > available) {
        out.push((NOT_AVAILABLE, Vec::new()));
    }
    out
}

/// The item's errors as one exception, as `Quote::addProduct` throws them: messages joined
/// with "\n". The raw texts keep their placeholders, renumbered so `%n` still points at the
/// n-th positional parameter of the joined list.
fn join_item_errors(errors: Vec<(&'static str, Vec<Value>)>) -> ApiError {
    let mut lines = Vec::with_capacity(errors.len());
    let mut params: Vec<Value> = Vec::new();
    for (message, values) in errors {
        let mut line = message.to_string();
        // Highest first, so `%1` -> `%2` cannot be renamed again by `%2` -> `%3`.
        for i in (1..=values.len()).rev() {
            line = line.replace(&format!("%{i}"), &format!("%{}", params.len() + i));
        }
        params.extend(values);
        lines.push(line);
    }
    let error = ApiError::new(400, lines.join("\n"));
    if params.is_empty() {
        error
    } else {
        error.positional(params)
    }
}

/// Stock check for `qty` of a product in a cart (None = fine).
pub(crate) fn stock_error(stock: &StockItem, qty: u32) -> Option<ApiError> {
    let errors = stock_messages(stock, qty);
    (!errors.is_empty()).then(|| join_item_errors(errors))
}

impl Store {
    /// A product as it is now, by id.
    pub fn product(&self, id: u32) -> Option<&Product> {
        self.products.get(id)
    }

    /// A product as it is now, by SKU (case-insensitive, like Magento's SKU lookup).
    pub fn product_by_sku(&self, sku: &str) -> Option<&Product> {
        self.catalog
            .product_by_sku(sku)
            .and_then(|p| self.products.get(p.id))
    }

    fn product_id(&self, sku: &str) -> Result<u32, ApiError> {
        self.product_by_sku(sku)
            .map(|p| p.id)
            .ok_or_else(ApiError::product_missing)
    }

    /// An admin save of a product: `edit` may change anything but the id, SKU and type;
    /// `updated_at` moves to now (what an incremental product sync pages on).
    pub fn update_product(
        &mut self,
        sku: &str,
        edit: impl FnOnce(&mut Product),
    ) -> Result<(), ApiError> {
        let id = self.product_id(sku)?;
        let now = self.now();
        self.products.update(id, |p| {
            let (id, sku, type_id) = (p.id, p.sku.clone(), p.type_id);
            edit(p);
            (p.id, p.sku, p.type_id) = (id, sku, type_id);
            p.updated_at = now;
        });
        Ok(())
    }

    /// New price for new cart lines; lines already in carts keep theirs, as Magento's quote
    /// items do until the quote is recollected.
    pub fn set_product_price(&mut self, sku: &str, price: Decimal) -> Result<(), ApiError> {
        self.update_product(sku, |p| p.price = price)
    }

    /// Enables (status 1) or disables (status 2) a product.
    pub fn set_product_status(&mut self, sku: &str, enabled: bool) -> Result<(), ApiError> {
        self.update_product(sku, |p| p.status = if enabled { 1 } else { 2 })
    }

    /// Replaces a product's stock item. Stock lives in its own table in Magento: the
    /// product's `updated_at` does not move.
    pub fn set_stock(&mut self, sku: &str, stock: StockItem) -> Result<(), ApiError> {
        let id = self.product_id(sku)?;
        if let Some(p) = self.products.get_mut_same_key(id) {
            p.stock = stock;
        }
        Ok(())
    }

    /// The stock item of a product as it is now.
    pub fn stock(&self, sku: &str) -> Option<StockItem> {
        self.product_by_sku(sku).map(|p| p.stock)
    }

    /// Quantities per product of cart lines (a configurable line counts for its child).
    fn quantities(lines: &[CartItem]) -> BTreeMap<u32, u32> {
        let mut wanted = BTreeMap::new();
        for line in lines {
            *wanted.entry(line.product_id).or_insert(0) += line.qty;
        }
        wanted
    }

    /// The re-check when an order is placed (MSI's reservation check): every line must
    /// still be in stock in its quantity.
    pub(crate) fn check_order_stock(&self, lines: &[CartItem]) -> Result<(), ApiError> {
        for (product_id, qty) in Self::quantities(lines) {
            let Some(stock) = self.product(product_id).map(|p| p.stock) else {
                continue;
            };
            if !stock.is_in_stock || stock.qty.is_some_and(|available| qty > available) {
                return Err(ApiError::bad_request(NOT_ALL_AVAILABLE));
            }
        }
        Ok(())
    }

    /// Takes ordered quantities out of tracked stock; a product that reaches zero goes out
    /// of stock (no backorders).
    pub(crate) fn deduct_stock(&mut self, lines: &[CartItem]) {
        for (product_id, qty) in Self::quantities(lines) {
            if let Some(p) = self.products.get_mut_same_key(product_id)
                && let Some(available) = p.stock.qty
            {
                let left = available.saturating_sub(qty);
                p.stock.qty = Some(left);
                if left == 0 {
                    p.stock.is_in_stock = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn several_item_errors_join_with_renumbered_placeholders() {
        let stock = StockItem {
            qty: Some(4),
            max_sale_qty: 3,
            ..StockItem::default()
        };
        let e = stock_error(&stock, 5).unwrap();
        assert_eq!(
            e.body(),
            json!({"message": "The most you may purchase is %1.\nThe requested qty is not available", "parameters": [3]})
        );
        let e = join_item_errors(vec![(FEWEST, vec![2.into()]), (MOST, vec![5.into()])]);
        assert_eq!(
            e.rendered(),
            "The fewest you may purchase is 2.\nThe most you may purchase is 5."
        );
        let sold_out = StockItem {
            qty: Some(0),
            is_in_stock: false,
            ..StockItem::default()
        };
        assert_eq!(
            stock_error(&sold_out, 1).unwrap().body(),
            json!({"message": "This product is out of stock."})
        );
        assert!(stock_error(&StockItem::default(), 10_000).is_none());
    }
}
