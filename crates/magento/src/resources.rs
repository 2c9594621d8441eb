//! What the pagers need to know about each searchable resource.
//!
//! The filter column and the JSON key of the id differ for customers and carts
//! (`entity_id` in filters, `id` in the output), which is why both are named.

use serde::de::DeserializeOwned;

use crate::types::{Cart, CreditMemo, Customer, Invoice, NewsletterSubscriber, Order, Product};

/// A resource with a search route.
pub trait Resource: Send + Sync + 'static {
    /// The wire type of one record.
    type Item: DeserializeOwned + Send + 'static;
    /// A short name for logs (`customers`).
    const NAME: &'static str;
    /// The search route, relative to `/V1/` (`customers/search`).
    const SEARCH_PATH: &'static str;
    /// The id column used in filters and sort orders (`entity_id`).
    const ID_FIELD: &'static str;
    /// The id key in the JSON output (`id` for customers and carts, `entity_id` for sales).
    const ID_JSON_FIELD: &'static str;
}

/// A resource with a reliable `updated_at`, so the keyset cursor of contract §7.1 applies.
pub trait Incremental: Resource {
    /// The update timestamp, the same name in filters and output (`updated_at`).
    const UPDATED_FIELD: &'static str;
}

macro_rules! resource {
    ($(#[$doc:meta])* $name:ident, $item:ty, $label:literal, $path:literal, $id:literal, $json_id:literal $(, $updated:literal)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;

        impl Resource for $name {
            type Item = $item;
            const NAME: &'static str = $label;
            const SEARCH_PATH: &'static str = $path;
            const ID_FIELD: &'static str = $id;
            const ID_JSON_FIELD: &'static str = $json_id;
        }

        $(impl Incremental for $name {
            const UPDATED_FIELD: &'static str = $updated;
        })?
    };
}

resource!(
    /// `GET /V1/customers/search`.
    Customers, Customer, "customers", "customers/search", "entity_id", "id", "updated_at"
);
resource!(
    /// `GET /V1/carts/search`.
    Carts, Cart, "carts", "carts/search", "entity_id", "id", "updated_at"
);
resource!(
    /// `GET /V1/orders`.
    Orders, Order, "orders", "orders", "entity_id", "entity_id", "updated_at"
);
resource!(
    /// `GET /V1/creditmemos`.
    CreditMemos, CreditMemo, "credit memos", "creditmemos", "entity_id", "entity_id", "updated_at"
);
resource!(
    /// `GET /V1/invoices`.
    Invoices, Invoice, "invoices", "invoices", "entity_id", "entity_id", "updated_at"
);
resource!(
    /// `GET /V1/products`.
    Products, Product, "products", "products", "entity_id", "id", "updated_at"
);
resource!(
    /// `GET /V1/cartwise/newsletter-subscribers/search` (Cartwise companion module, contract
    /// §11). Not [`Incremental`]: `change_status_at` is often null, so subscribers are read
    /// with a full [`IdScan`](crate::IdScan) or [`OffsetPager`](crate::OffsetPager).
    NewsletterSubscribers,
    NewsletterSubscriber,
    "newsletter subscribers",
    "cartwise/newsletter-subscribers/search",
    "subscriber_id",
    "subscriber_id"
);
