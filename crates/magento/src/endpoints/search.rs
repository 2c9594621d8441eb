//! Search routes (contract §2, §4) and the pagers built on them.

use serde::de::DeserializeOwned;

use crate::client::{BodyKind, Call};
use crate::page::{ID_KEYS, RawPage, decode_raw};
use crate::resources::{
    Carts, CreditMemos, Customers, Invoices, NewsletterSubscribers, Orders, Products,
};
use crate::types::{
    Cart, CreditMemo, Customer, CustomerGroup, Invoice, NewsletterSubscriber, Order, Product,
};
use crate::{
    Client, Error, IdScan, Incremental, KeysetCursor, KeysetPager, OffsetPager, Resource,
    SearchCriteria, SearchPage,
};

impl Client {
    pub(crate) async fn search_raw(
        &self,
        path: &str,
        criteria: &SearchCriteria,
    ) -> Result<RawPage, Error> {
        let mut call = Call::get(path);
        call.query = criteria.to_query_string();
        call.page = criteria.current_page;
        // Without a `pageSize` Magento answers a page of its own choosing: bound it as the
        // largest page a store with input limits accepts.
        call.body_kind = BodyKind::Search {
            page_size: criteria.page_size.unwrap_or(crate::MAX_PAGE_SIZE),
        };
        let reply = self.call(&call).await?;
        let mut page = RawPage::from_json(&reply.raw)?;
        page.page_size = criteria.page_size;
        page.current_page = criteria.current_page;
        page.server_time = reply.server_time;
        Ok(page)
    }

    /// Any search route (`path` relative to `/V1/`), each record decoded on its own.
    pub async fn search<T: DeserializeOwned>(
        &self,
        path: &str,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<T>, Error> {
        Ok(self.search_raw(path, criteria).await?.decode(&ID_KEYS))
    }

    /// One page of a [`Resource`]'s search route.
    pub async fn search_resource<R: Resource>(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<R::Item>, Error> {
        Ok(self
            .search_raw(R::SEARCH_PATH, criteria)
            .await?
            .decode(&[R::ID_JSON_FIELD]))
    }

    /// `GET /V1/customers/search`.
    pub async fn search_customers(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<Customer>, Error> {
        self.search_resource::<Customers>(criteria).await
    }

    /// `GET /V1/carts/search`.
    pub async fn search_carts(&self, criteria: &SearchCriteria) -> Result<SearchPage<Cart>, Error> {
        self.search_resource::<Carts>(criteria).await
    }

    /// `GET /V1/orders`.
    pub async fn search_orders(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<Order>, Error> {
        self.search_resource::<Orders>(criteria).await
    }

    /// `GET /V1/creditmemos`.
    pub async fn search_credit_memos(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<CreditMemo>, Error> {
        self.search_resource::<CreditMemos>(criteria).await
    }

    /// `GET /V1/invoices`.
    pub async fn search_invoices(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<Invoice>, Error> {
        self.search_resource::<Invoices>(criteria).await
    }

    /// `GET /V1/products` (to pick SKUs for CRM-created carts).
    pub async fn search_products(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<Product>, Error> {
        self.search_resource::<Products>(criteria).await
    }

    /// `GET /V1/cartwise/newsletter-subscribers/search` (Cartwise companion module). A store
    /// without the module fails with [`Error::RouteNotFound`] (see [`Error::is_missing_route`]):
    /// fall back to customers' `extension_attributes.is_subscribed`.
    pub async fn search_newsletter_subscribers(
        &self,
        criteria: &SearchCriteria,
    ) -> Result<SearchPage<NewsletterSubscriber>, Error> {
        self.search_resource::<NewsletterSubscribers>(criteria)
            .await
    }

    /// `GET /V1/customerGroups/search`: every group, in pages of 300 keyed on the id (a
    /// store with more groups than one page holds must not lose the rest: the sync replaces
    /// its copy of the list with what this returns).
    pub async fn customer_groups(&self) -> Result<Vec<CustomerGroup>, Error> {
        let mut all: Vec<CustomerGroup> = Vec::new();
        let mut last = -1i64;
        loop {
            let criteria = SearchCriteria::new()
                .filter(crate::Filter::gt("id", last))
                .sort("id", crate::Direction::Asc)
                .page_size(crate::MAX_PAGE_SIZE)
                .current_page(1);
            let page = self.search_raw("customerGroups/search", &criteria).await?;
            let n = page.items.len();
            let groups = page
                .items
                .iter()
                .map(|raw| decode_raw(raw))
                .collect::<Result<Vec<CustomerGroup>, Error>>()?;
            let max = groups.iter().filter_map(|g| g.id).max();
            all.extend(groups);
            match max {
                Some(max) if max > last && n >= crate::MAX_PAGE_SIZE as usize => last = max,
                _ => break,
            }
        }
        Ok(all)
    }

    /// A page-number pager over a resource (see [`OffsetPager`]).
    pub fn offset_pager<R: Resource>(&self, criteria: SearchCriteria) -> OffsetPager<R> {
        OffsetPager::new(self.clone(), criteria)
    }

    /// The §7.1 keyset pager over a resource (see [`KeysetPager`]).
    pub fn keyset_pager<R: Incremental>(
        &self,
        cursor: KeysetCursor,
        upper_bound: chrono::DateTime<chrono::Utc>,
        page_size: u32,
    ) -> KeysetPager<R> {
        KeysetPager::new(self.clone(), cursor, upper_bound, page_size)
    }

    /// An id scan over a resource (see [`IdScan`]).
    pub fn id_scan<R: Resource>(&self, page_size: u32) -> IdScan<R> {
        IdScan::new(self.clone(), page_size)
    }
}
