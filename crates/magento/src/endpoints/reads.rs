//! Single-record reads and dictionaries.

use serde::de::DeserializeOwned;

use crate::client::Call;
use crate::page::decode_value;
use crate::types::{
    Cart, CartItem, Country, CreditMemo, Customer, Invoice, Order, ProductAttribute, StoreGroup,
    StoreView, Totals, Website,
};
use crate::{Client, Error};

impl Client {
    pub(crate) async fn get_as<T: DeserializeOwned>(&self, path: String) -> Result<T, Error> {
        decode_value(&self.call(&Call::get(path)).await?.body()?)
    }

    /// `GET /V1/customers/{id}`.
    pub async fn get_customer(&self, id: i64) -> Result<Customer, Error> {
        self.get_as(format!("customers/{id}")).await
    }

    /// `GET /V1/customers/{id}` as the store's JSON, every field kept: what a merge starts
    /// from, and what a store that saves whole customers gets back with the changes applied.
    pub async fn get_customer_json(&self, id: i64) -> Result<serde_json::Value, Error> {
        let body = self
            .call(&Call::get(format!("customers/{id}")))
            .await?
            .body()?;
        if body.is_object() {
            Ok(body)
        } else {
            Err(Error::decode(
                ".",
                format!("expected a customer object, got {body}"),
            ))
        }
    }

    /// `GET /V1/carts/{id}` (active and inactive carts).
    pub async fn get_cart(&self, id: i64) -> Result<Cart, Error> {
        self.get_as(format!("carts/{id}")).await
    }

    /// `GET /V1/carts/{id}/items` (active carts only).
    pub async fn get_cart_items(&self, cart_id: i64) -> Result<Vec<CartItem>, Error> {
        self.get_as(format!("carts/{cart_id}/items")).await
    }

    /// `GET /V1/carts/{id}/totals` (active carts only).
    pub async fn get_cart_totals(&self, cart_id: i64) -> Result<Totals, Error> {
        self.get_as(format!("carts/{cart_id}/totals")).await
    }

    /// `GET /V1/orders/{id}`.
    pub async fn get_order(&self, id: i64) -> Result<Order, Error> {
        self.get_as(format!("orders/{id}")).await
    }

    /// `GET /V1/creditmemo/{id}` (singular, unlike the search route).
    pub async fn get_credit_memo(&self, id: i64) -> Result<CreditMemo, Error> {
        self.get_as(format!("creditmemo/{id}")).await
    }

    /// `GET /V1/invoices/{id}`.
    pub async fn get_invoice(&self, id: i64) -> Result<Invoice, Error> {
        self.get_as(format!("invoices/{id}")).await
    }

    /// `GET /V1/products/attributes` for these attribute ids: the labels of configurable
    /// options (a product names them by attribute id and value index only).
    pub async fn product_attributes(&self, ids: &[i64]) -> Result<Vec<ProductAttribute>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let criteria = crate::SearchCriteria::new()
            .filter(crate::Filter::in_list("attribute_id", ids.to_vec()))
            .page_size(ids.len().min(300) as u32)
            .current_page(1);
        let page = self
            .search::<ProductAttribute>("products/attributes", &criteria)
            .await?;
        Ok(page.items.into_iter().filter_map(Result::ok).collect())
    }

    /// The orders made from a cart (`GET /V1/orders` with `quote_id` = the cart): how the
    /// CRM finds an order whose placing it could not confirm (contract §1.7).
    pub async fn orders_of_cart(&self, cart_id: i64) -> Result<Vec<Order>, Error> {
        let criteria = crate::SearchCriteria::new()
            .filter(crate::Filter::eq("quote_id", cart_id))
            .page_size(10)
            .current_page(1);
        let page = self.search::<Order>("orders", &criteria).await?;
        Ok(page.items.into_iter().filter_map(Result::ok).collect())
    }

    /// `GET /V1/store/websites`.
    pub async fn websites(&self) -> Result<Vec<Website>, Error> {
        self.get_as("store/websites".to_owned()).await
    }

    /// `GET /V1/store/storeGroups`.
    pub async fn store_groups(&self) -> Result<Vec<StoreGroup>, Error> {
        self.get_as("store/storeGroups".to_owned()).await
    }

    /// `GET /V1/store/storeViews` (includes the admin store view, id 0).
    pub async fn store_views(&self) -> Result<Vec<StoreView>, Error> {
        self.get_as("store/storeViews".to_owned()).await
    }

    /// `GET /V1/directory/countries` with their regions.
    pub async fn countries(&self) -> Result<Vec<Country>, Error> {
        self.get_as("directory/countries".to_owned()).await
    }
}
