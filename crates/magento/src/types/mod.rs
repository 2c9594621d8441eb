//! Wire types (DTOs) for every Magento object the CRM reads or writes (contract §3).
//!
//! Tolerant by design, because real stores differ from the schema:
//! * every field is an `Option`: absent optional fields and `null` required fields both parse;
//! * ids accept numbers and numeric strings, booleans accept `true`/`1`/`"1"`;
//! * money and quantities are exact [`Decimal`](rust_decimal::Decimal)s read from the JSON
//!   number's text (or a numeric string), never through `f64`;
//! * dates are UTC `Y-m-d H:i:s` (a `T`, fractions and offsets tolerated);
//! * `extension_attributes`, `custom_attributes` and every unknown field are kept as JSON
//!   (`extra`), so serialising a value back gives what the store sent (minus `null`s).
//!
//! Serialisation writes Magento's shapes (snake_case, numbers for money, 0/1 where the
//! contract uses integers), so the same types serve `PUT` bodies and the demo store.

// Field names are Magento's own snake_case names (contract §3), so only fields with a trap
// (string ids, 0/1 flags, where an address lives, ...) carry a doc comment.
#[allow(missing_docs)]
mod cart;
#[allow(missing_docs)]
mod checkout;
#[allow(missing_docs)]
mod customer;
pub(crate) mod de;
#[allow(missing_docs)]
mod newsletter;
#[allow(missing_docs)]
mod order;
#[allow(missing_docs)]
mod order_parts;
#[allow(missing_docs)]
mod product;
mod requests;
#[allow(missing_docs)]
mod sales;
#[allow(missing_docs)]
mod store;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use cart::{
    Cart, CartCurrency, CartExtension, CartItem, CartShipping, CartShippingAssignment, QuoteAddress,
};
pub use checkout::{
    PaymentMethod, ShippingInformationResult, ShippingMethod, TotalSegment, Totals, TotalsItem,
};
pub use customer::{Customer, CustomerAddress, CustomerExtension, CustomerRegion};
pub use newsletter::{NewsletterSubscriber, SubscriberStatus};
pub use order::{
    Order, OrderExtension, OrderShipping, OrderShippingAssignment, OrderShippingTotal,
    PaymentAdditionalInfo,
};
pub use order_parts::{OrderAddress, OrderItem, OrderPayment, StatusHistory};
pub use product::{AttributeOption, Product, ProductAttribute};
pub use requests::{NewCartItem, ShippingInformation};
pub use sales::{CreditMemo, CreditMemoItem, Invoice, InvoiceItem, SalesComment};
pub use store::{Country, CustomerGroup, Region, StoreGroup, StoreView, Website};

/// Fields a wire type does not name, in the order the store sent them.
pub type Extra = serde_json::Map<String, Value>;

/// A credit memo comment (same shape as an invoice comment).
pub type CreditMemoComment = SalesComment;

/// An EAV attribute in `custom_attributes[]`: `{attribute_code, value}`; the value may be a
/// string, a number or a list depending on the attribute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomAttribute {
    /// The attribute code, e.g. `description` or a store-specific code.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub attribute_code: Option<String>,
    /// The raw value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
