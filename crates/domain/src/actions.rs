//! Store actions: what the CRM asks a store to do (build a cart, place an order, re-read a
//! record), as commands a user or a script queues, and the log entry each one leaves.
//!
//! A command is what the user asked, in CRM terms; the worker turns it into one Magento call,
//! records the exact request and the store's answer on the action, and re-reads the records it
//! touched. Nothing here does I/O: the browser renders these types.

use crate::Entity;
use crate::grid::LocalTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kinds of store action, in the order a phone order walks through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionKind {
    CartOpen,
    CartAddItem,
    CartUpdateItem,
    CartRemoveItem,
    CartRates,
    CartShipping,
    CartPlace,
    RecordSync,
    CustomerCreate,
    CustomerUpdate,
    CustomerSubscribe,
    CustomerUnsubscribe,
}

impl ActionKind {
    pub const ALL: [ActionKind; 12] = [
        ActionKind::CartOpen,
        ActionKind::CartAddItem,
        ActionKind::CartUpdateItem,
        ActionKind::CartRemoveItem,
        ActionKind::CartRates,
        ActionKind::CartShipping,
        ActionKind::CartPlace,
        ActionKind::RecordSync,
        ActionKind::CustomerCreate,
        ActionKind::CustomerUpdate,
        ActionKind::CustomerSubscribe,
        ActionKind::CustomerUnsubscribe,
    ];

    /// The name stored in the log (`cart.item.add`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::CartOpen => "cart.open",
            ActionKind::CartAddItem => "cart.item.add",
            ActionKind::CartUpdateItem => "cart.item.update",
            ActionKind::CartRemoveItem => "cart.item.remove",
            ActionKind::CartRates => "cart.rates",
            ActionKind::CartShipping => "cart.shipping",
            ActionKind::CartPlace => "cart.place",
            ActionKind::RecordSync => "record.sync",
            ActionKind::CustomerCreate => "customer.create",
            ActionKind::CustomerUpdate => "customer.update",
            ActionKind::CustomerSubscribe => "customer.subscribe",
            ActionKind::CustomerUnsubscribe => "customer.unsubscribe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::CartOpen => "Open the cart",
            ActionKind::CartAddItem => "Add a product",
            ActionKind::CartUpdateItem => "Change a quantity",
            ActionKind::CartRemoveItem => "Remove a line",
            ActionKind::CartRates => "Ask for shipping rates",
            ActionKind::CartShipping => "Set shipping and billing",
            ActionKind::CartPlace => "Place the order",
            ActionKind::RecordSync => "Sync from the store",
            ActionKind::CustomerCreate => "Create the customer",
            ActionKind::CustomerUpdate => "Edit the customer",
            ActionKind::CustomerSubscribe => "Subscribe to the newsletter",
            ActionKind::CustomerUnsubscribe => "Unsubscribe from the newsletter",
        }
    }

    /// Whether the action changes the store (a re-read or a rate quote does not).
    pub fn writes(self) -> bool {
        !matches!(self, ActionKind::CartRates | ActionKind::RecordSync)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown store action kind \"{s}\""))
    }
}

/// Where an action is in its life. `Unknown`: it was sent but no answer came back (a timeout,
/// a dropped connection, a crash); the CRM checks the store before anything is sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionState {
    Queued,
    Running,
    Done,
    Failed,
    Unknown,
}

impl ActionState {
    pub const ALL: [ActionState; 5] = [
        ActionState::Queued,
        ActionState::Running,
        ActionState::Done,
        ActionState::Failed,
        ActionState::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Queued => "queued",
            ActionState::Running => "running",
            ActionState::Done => "done",
            ActionState::Failed => "failed",
            ActionState::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionState::Queued => "Queued",
            ActionState::Running => "Sending",
            ActionState::Done => "Done",
            ActionState::Failed => "Failed",
            ActionState::Unknown => "Checking the store",
        }
    }

    /// Done or failed: nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, ActionState::Done | ActionState::Failed)
    }
}

impl FromStr for ActionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActionState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown action state \"{s}\""))
    }
}

/// A configurable product's choice: the attribute (color, size) and the chosen value index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOption {
    pub attribute_id: i64,
    pub value: i64,
}

/// A postal address typed by the user (for a guest, or a customer's new address).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInput {
    pub firstname: String,
    pub lastname: String,
    #[serde(default)]
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: String,
    /// Free-text region, for countries without a region list.
    #[serde(default)]
    pub region: Option<String>,
    /// The Magento region id, for countries with a region list.
    #[serde(default)]
    pub region_id: Option<i64>,
    pub postcode: String,
    pub country_id: String,
    pub telephone: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// Where to ship (or bill): an address of the customer's synced address book (sent with its
/// `customer_address_id`, so Magento does not save it again), or one typed for this order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressChoice {
    /// The Magento id of one of the customer's addresses.
    Saved(i64),
    /// Boxed: an address is large, a saved one's id small.
    Typed(Box<AddressInput>),
}

/// What the user asked the store to do. Carts are named by their Magento quote id (a new cart
/// has no CRM row until it is read back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionCommand {
    /// The customer's cart (Magento hands back the shopper's live cart if there is one), or a
    /// new guest cart for `guest_email`, in the store view `store_view` (a Magento id).
    CartOpen {
        customer_magento_id: Option<i64>,
        guest_email: Option<String>,
        store_view: Option<i64>,
    },
    CartAddItem {
        cart: i64,
        sku: String,
        #[serde(with = "crate::wire::decimal")]
        qty: Decimal,
        options: Vec<ItemOption>,
    },
    CartUpdateItem {
        cart: i64,
        item_id: i64,
        #[serde(with = "crate::wire::decimal")]
        qty: Decimal,
    },
    CartRemoveItem {
        cart: i64,
        item_id: i64,
    },
    CartRates {
        cart: i64,
        address: AddressChoice,
    },
    CartShipping {
        cart: i64,
        shipping: AddressChoice,
        /// `None`: bill to the shipping address.
        billing: Option<AddressChoice>,
        carrier: String,
        method: String,
    },
    CartPlace {
        cart: i64,
        payment: String,
    },
    /// Re-read one record (and what hangs on it) from the store now.
    RecordSync {
        entity: Entity,
        magento_id: i64,
    },
    /// A new customer account in the store.
    CustomerCreate(Box<NewCustomer>),
    /// The user's changes to a customer (with the values the form showed, the merge's base);
    /// `force`: the user chose "send my value anyway" for conflicts.
    CustomerUpdate {
        customer: i64,
        edit: crate::customer_edit::CustomerEdit,
        #[serde(default)]
        force: bool,
    },
    /// Subscribe or unsubscribe a registered customer (`customer`, a Magento id) or a guest
    /// subscriber (`subscriber`, a subscriber id on the companion route).
    Subscription {
        customer: Option<i64>,
        subscriber: Option<i64>,
        subscribe: bool,
    },
}

/// A customer account to create in the store. Magento e-mails the new customer (a welcome
/// message, or a confirmation link when the store asks for one): its REST API has no switch
/// to keep quiet, so the form says so.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomer {
    pub website_id: i64,
    pub store_id: i64,
    pub group_id: i64,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    #[serde(default)]
    pub dob: Option<String>,
    #[serde(default)]
    pub gender: Option<i64>,
    #[serde(default)]
    pub taxvat: Option<String>,
    /// A first address, made the default billing and shipping address.
    #[serde(default)]
    pub address: Option<AddressInput>,
    #[serde(default)]
    pub subscribe: bool,
}

impl ActionCommand {
    pub fn kind(&self) -> ActionKind {
        match self {
            ActionCommand::CartOpen { .. } => ActionKind::CartOpen,
            ActionCommand::CartAddItem { .. } => ActionKind::CartAddItem,
            ActionCommand::CartUpdateItem { .. } => ActionKind::CartUpdateItem,
            ActionCommand::CartRemoveItem { .. } => ActionKind::CartRemoveItem,
            ActionCommand::CartRates { .. } => ActionKind::CartRates,
            ActionCommand::CartShipping { .. } => ActionKind::CartShipping,
            ActionCommand::CartPlace { .. } => ActionKind::CartPlace,
            ActionCommand::RecordSync { .. } => ActionKind::RecordSync,
            ActionCommand::CustomerCreate(_) => ActionKind::CustomerCreate,
            ActionCommand::CustomerUpdate { .. } => ActionKind::CustomerUpdate,
            ActionCommand::Subscription {
                subscribe: true, ..
            } => ActionKind::CustomerSubscribe,
            ActionCommand::Subscription { .. } => ActionKind::CustomerUnsubscribe,
        }
    }

    /// The Magento customer id a write acts on: writes to one customer run one at a time and
    /// in order, as a cart's do (two users' edits must not interleave between the re-read and
    /// the save).
    pub fn customer(&self) -> Option<i64> {
        match self {
            ActionCommand::CustomerUpdate { customer, .. } => Some(*customer),
            ActionCommand::Subscription { customer, .. } => *customer,
            _ => None,
        }
    }

    /// The Magento quote id the command acts on, if it acts on a cart.
    pub fn cart(&self) -> Option<i64> {
        match self {
            ActionCommand::CartAddItem { cart, .. }
            | ActionCommand::CartUpdateItem { cart, .. }
            | ActionCommand::CartRemoveItem { cart, .. }
            | ActionCommand::CartRates { cart, .. }
            | ActionCommand::CartShipping { cart, .. }
            | ActionCommand::CartPlace { cart, .. } => Some(*cart),
            ActionCommand::RecordSync {
                entity: Entity::Carts,
                magento_id,
            } => Some(*magento_id),
            _ => None,
        }
    }

    /// Checks what can be checked before the store is asked: the user gets these at once,
    /// next to the field, and nothing is queued.
    pub fn validate(&self) -> Result<(), crate::AppError> {
        use crate::AppError;
        let qty = |qty: &Decimal| {
            if *qty <= Decimal::ZERO {
                Err(AppError::invalid("qty", "Enter a quantity above zero."))
            } else if *qty > Decimal::from(MAX_QTY) {
                Err(AppError::invalid(
                    "qty",
                    format!("Enter a quantity of at most {MAX_QTY}."),
                ))
            } else if qty.scale() > 4 {
                Err(AppError::invalid(
                    "qty",
                    "Enter a quantity with at most 4 decimals.",
                ))
            } else {
                Ok(())
            }
        };
        match self {
            ActionCommand::CartOpen {
                customer_magento_id,
                guest_email,
                ..
            } => match (customer_magento_id, guest_email) {
                (Some(_), None) => Ok(()),
                (None, Some(email)) => valid_email(email, "email"),
                _ => Err(AppError::invalid(
                    "customer",
                    "Choose a customer, or give a guest's email address.",
                )),
            },
            ActionCommand::CartAddItem { sku, qty: q, .. } => {
                if sku.trim().is_empty() {
                    return Err(AppError::invalid("sku", "Choose a product."));
                }
                if sku.len() > 64 {
                    return Err(AppError::invalid("sku", "A SKU has at most 64 characters."));
                }
                qty(q)
            }
            ActionCommand::CartUpdateItem { qty: q, .. } => qty(q),
            ActionCommand::CartRemoveItem { .. } => Ok(()),
            ActionCommand::CartRates { address, .. } => address.validate("shipping"),
            ActionCommand::CartShipping {
                shipping,
                billing,
                carrier,
                method,
                ..
            } => {
                shipping.validate("shipping")?;
                if let Some(b) = billing {
                    b.validate("billing")?;
                }
                if carrier.trim().is_empty() || method.trim().is_empty() {
                    return Err(AppError::invalid(
                        "shipping_method",
                        "Choose a shipping method.",
                    ));
                }
                Ok(())
            }
            ActionCommand::CartPlace { payment, .. } => {
                if payment.trim().is_empty() {
                    Err(AppError::invalid("payment", "Choose a payment method."))
                } else {
                    Ok(())
                }
            }
            ActionCommand::RecordSync { .. } => Ok(()),
            ActionCommand::CustomerCreate(new) => new.validate(today()),
            ActionCommand::CustomerUpdate { edit, .. } => edit.validate(today()),
            ActionCommand::Subscription {
                customer,
                subscriber,
                ..
            } => match (customer, subscriber) {
                (Some(_), None) | (None, Some(_)) => Ok(()),
                _ => Err(AppError::invalid(
                    "subscriber",
                    "Choose a customer or a guest subscriber.",
                )),
            },
        }
    }
}

/// Today in UTC: a date of birth after it is refused. (A day's slack either side of UTC
/// does not matter for a birth date; the store checks again in its own time zone.)
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

impl NewCustomer {
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), crate::AppError> {
        use crate::customer_edit::{CustomerField, validate_field};
        let fields = [
            (CustomerField::Email, Some(self.email.clone())),
            (CustomerField::Firstname, Some(self.firstname.clone())),
            (CustomerField::Lastname, Some(self.lastname.clone())),
            (CustomerField::Dob, self.dob.clone()),
            (CustomerField::Gender, self.gender.map(|g| g.to_string())),
            (CustomerField::Taxvat, self.taxvat.clone()),
            (CustomerField::GroupId, Some(self.group_id.to_string())),
        ];
        for (field, value) in fields {
            validate_field(field, value.as_deref(), today)?;
        }
        if self.store_id <= 0 {
            return Err(crate::AppError::invalid("store_id", "Choose a store view."));
        }
        if let Some(a) = &self.address {
            a.validate("address")?;
        }
        Ok(())
    }
}

/// The largest quantity one line may ask for: Magento's own default maximum sale quantity.
pub const MAX_QTY: i64 = 10_000;

pub(crate) fn valid_email(email: &str, field: &str) -> Result<(), crate::AppError> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, host)| {
            !local.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(crate::AppError::invalid(
            field,
            "Enter a valid email address, like name@example.com.",
        ))
    }
}

impl AddressChoice {
    fn validate(&self, prefix: &str) -> Result<(), crate::AppError> {
        match self {
            AddressChoice::Saved(_) => Ok(()),
            AddressChoice::Typed(a) => a.validate(prefix),
        }
    }
}

impl AddressInput {
    /// The fields Magento requires of every address (ADR), checked before the store is asked;
    /// the store still has the last word (regions, postcode rules per country).
    pub fn validate(&self, prefix: &str) -> Result<(), crate::AppError> {
        use crate::AppError;
        let required = [
            ("firstname", "first name", self.firstname.as_str()),
            ("lastname", "last name", self.lastname.as_str()),
            ("city", "city", self.city.as_str()),
            ("postcode", "postcode", self.postcode.as_str()),
            ("country_id", "country", self.country_id.as_str()),
            ("telephone", "phone number", self.telephone.as_str()),
        ];
        for (field, label, value) in required {
            if value.trim().is_empty() {
                return Err(AppError::invalid(
                    format!("{prefix}.{field}"),
                    format!("Enter the {label}."),
                ));
            }
        }
        if self.street.iter().all(|s| s.trim().is_empty()) {
            return Err(AppError::invalid(
                format!("{prefix}.street"),
                "Enter the street address.",
            ));
        }
        let too_long = [
            self.firstname.as_str(),
            self.lastname.as_str(),
            self.city.as_str(),
            self.postcode.as_str(),
            self.telephone.as_str(),
        ]
        .into_iter()
        .chain(self.street.iter().map(String::as_str))
        .chain(self.company.as_deref())
        .chain(self.region.as_deref())
        .any(|v| v.chars().count() > 255);
        if too_long {
            return Err(AppError::invalid(
                prefix,
                "An address field has at most 255 characters.",
            ));
        }
        let country = self.country_id.trim();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(AppError::invalid(
                format!("{prefix}.country_id"),
                "Choose a country.",
            ));
        }
        if let Some(email) = &self.email
            && !email.trim().is_empty()
        {
            valid_email(email, &format!("{prefix}.email"))?;
        }
        Ok(())
    }
}

/// A shipping rate the store offered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShippingRate {
    pub carrier: String,
    pub method: String,
    pub carrier_title: String,
    pub method_title: String,
    #[serde(with = "crate::wire::decimal_option")]
    pub amount: Option<Decimal>,
    pub available: bool,
    pub error: Option<String>,
}

/// A payment method the store offered for a cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOption {
    pub code: String,
    pub title: String,
}

/// What a finished action produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionResult {
    /// The cart Magento handed back; `items` > 0 means the shopper's live cart already had
    /// products in it.
    CartOpened {
        cart: i64,
        items: i64,
        crm_cart_id: Option<i64>,
    },
    ItemSaved {
        item_id: i64,
        sku: String,
        #[serde(with = "crate::wire::decimal")]
        qty: Decimal,
    },
    ItemRemoved,
    Rates(Vec<ShippingRate>),
    Shipping {
        payment_methods: Vec<PaymentOption>,
        #[serde(with = "crate::wire::decimal_option")]
        grand_total: Option<Decimal>,
        #[serde(with = "crate::wire::decimal_option")]
        shipping_amount: Option<Decimal>,
        currency: Option<String>,
    },
    Placed {
        order_magento_id: i64,
        increment_id: Option<String>,
        crm_order_id: Option<i64>,
    },
    Synced {
        found: bool,
    },
    /// A customer edit went through the merge: what was sent (nothing when the store already
    /// had it all), and every conflict and how it was decided.
    CustomerSaved {
        sent: Vec<crate::customer_edit::CustomerField>,
        addresses_sent: bool,
        conflicts: Vec<crate::customer_edit::Conflict>,
        /// The store wanted the whole customer (Magento 2.4.0 and older).
        full_object: bool,
    },
    CustomerCreated {
        magento_id: i64,
        crm_customer_id: Option<i64>,
    },
    /// The newsletter status the store holds now (1 Subscribed, 2 Not activated,
    /// 3 Unsubscribed, 4 Unconfirmed; `None`: no subscription), and whether anything was sent.
    Subscription {
        status: Option<i16>,
        sent: bool,
    },
}

/// An action as the timeline and the log show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: i64,
    pub channel_id: i64,
    pub channel: String,
    pub kind: ActionKind,
    pub state: ActionState,
    pub command: ActionCommand,
    /// `PUT carts/12/order` as sent (after the action ran).
    pub route: Option<String>,
    /// The exact JSON body sent, secrets removed.
    pub request: Option<String>,
    pub http_status: Option<i32>,
    /// Magento's message as sent, with its placeholders.
    pub message: Option<String>,
    /// Its `parameters`, as JSON text.
    pub parameters: Option<String>,
    /// The message with its parameters filled in (or the CRM's own explanation).
    pub rendered: Option<String>,
    /// The form field or cart line the message is about (`qty`, `shipping.postcode`,
    /// `payment`), when it names one.
    pub field: Option<String>,
    pub result: Option<ActionResult>,
    pub attempts: i32,
    pub requested_by: Option<String>,
    pub created_at: Option<LocalTime>,
    pub finished_at: Option<LocalTime>,
    /// The records it touched, for links.
    pub customer_id: Option<i64>,
    pub cart_id: Option<i64>,
    pub order_id: Option<i64>,
    pub cart_magento_id: Option<i64>,
}

impl ActionView {
    /// What to tell the user about it, in one line.
    pub fn summary(&self) -> String {
        match (&self.state, &self.rendered) {
            (ActionState::Failed | ActionState::Unknown, Some(text)) => text.clone(),
            _ => match &self.result {
                Some(ActionResult::Placed { increment_id, .. }) => format!(
                    "Order {} placed.",
                    increment_id.as_deref().unwrap_or("(number not known yet)")
                ),
                Some(ActionResult::CartOpened { cart, items, .. }) if *items > 0 => {
                    format!(
                        "Cart {cart}: the shopper's live cart, already holding {items} line(s)."
                    )
                }
                Some(ActionResult::CartOpened { cart, .. }) => format!("Cart {cart} is open."),
                Some(ActionResult::ItemSaved { sku, qty, .. }) => {
                    format!("{sku}: quantity {}", crate::grid::format_qty(*qty))
                }
                Some(ActionResult::ItemRemoved) => "Line removed.".into(),
                Some(ActionResult::Rates(r)) => format!("{} rate(s) offered.", r.len()),
                Some(ActionResult::Shipping {
                    payment_methods, ..
                }) => format!(
                    "Shipping set; {} payment method(s) offered.",
                    payment_methods.len()
                ),
                Some(ActionResult::Synced { found: true }) => "Re-read from the store.".into(),
                Some(ActionResult::Synced { found: false }) => {
                    "The store no longer has this record.".into()
                }
                Some(ActionResult::CustomerSaved {
                    sent,
                    addresses_sent,
                    conflicts,
                    ..
                }) => {
                    let mut parts: Vec<&str> = sent.iter().map(|f| f.label()).collect();
                    if *addresses_sent {
                        parts.push("address book");
                    }
                    let mut text = if parts.is_empty() && !conflicts.is_empty() {
                        "Nothing sent: the store's values were kept.".to_owned()
                    } else if parts.is_empty() {
                        "Nothing to send: the store already holds these values.".to_owned()
                    } else {
                        format!("In the store: {}.", parts.join(", "))
                    };
                    if !conflicts.is_empty() {
                        text.push_str(&format!(" {} conflict(s), see below.", conflicts.len()));
                    }
                    text
                }
                Some(ActionResult::CustomerCreated { magento_id, .. }) => {
                    format!("Customer {magento_id} created in the store.")
                }
                Some(ActionResult::Subscription { status, sent }) => {
                    let now = subscription_label(*status);
                    if *sent {
                        format!(
                            "The store now says: {now}. The store e-mails the shopper about it."
                        )
                    } else {
                        format!("Nothing to send: the store already says {now}.")
                    }
                }
                None => self.state.label().into(),
            },
        }
    }
}

/// Fills Magento's placeholders the way its phrase renderer does: `%name` from an object of
/// parameters, `%1`, `%2`… (1-based) from an array. Unknown placeholders stay as they are.
/// Magento's newsletter status in words.
pub fn subscription_label(status: Option<i16>) -> &'static str {
    match status {
        Some(1) => "Subscribed",
        Some(2) => "Not activated (the shopper must confirm by e-mail)",
        Some(3) => "Unsubscribed",
        Some(4) => "Unconfirmed (the account awaits confirmation)",
        _ => "Not subscribed",
    }
}

pub fn render_message(message: &str, parameters: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let found = match parameters {
            _ if name.is_empty() => None,
            Some(Value::Object(map)) => map.get(name),
            Some(Value::Array(list)) => name
                .parse::<usize>()
                .ok()
                .and_then(|i| list.get(i.checked_sub(1)?)),
            _ => None,
        };
        match found {
            Some(Value::String(s)) => out.push_str(s),
            Some(Value::Number(n)) => out.push_str(&n.to_string()),
            Some(other) => out.push_str(&other.to_string()),
            None => {
                out.push('%');
                out.push_str(name);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Magento's address field names (`countryId`, `region_id`, …) as this form names them.
fn address_field(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().replace('_', "").as_str() {
        "firstname" => "firstname",
        "lastname" => "lastname",
        "street" => "street",
        "city" => "city",
        "telephone" => "telephone",
        "postcode" => "postcode",
        "countryid" => "country_id",
        "regionid" | "region" => "region",
        "company" => "company",
        "email" => "email",
        _ => return None,
    })
}

/// The first field an address message names (`"postcode" is required…`, `…for the countryId
/// field`).
fn named_address_field(rendered: &str) -> Option<&'static str> {
    // Quotes nest (`Error: ""postcode" is required…"`), so every piece between two quotes is
    // tried, not only the odd ones.
    let quoted = rendered
        .split('"')
        .skip(1)
        .find_map(|piece| address_field(piece.trim()));
    quoted.or_else(|| {
        rendered
            .split("for the ")
            .nth(1)
            .and_then(|rest| rest.split(" field").next())
            .and_then(address_field)
    })
}

/// The form field or line a store's refusal is about, so the page can show it there: the
/// line for stock and quantity messages, the address field an address message names, the
/// shipping method or payment method field.
pub fn field_named(command: &ActionCommand, raw: &str, rendered: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    match command {
        ActionCommand::CartAddItem { .. } => Some(
            if ["stock", "qty", "quantity", "purchase"]
                .iter()
                .any(|w| lower.contains(w))
            {
                "qty".into()
            } else if lower.contains("option") {
                "options".into()
            } else if lower.contains("product") {
                "sku".into()
            } else {
                "qty".into()
            },
        ),
        ActionCommand::CartUpdateItem { item_id, .. }
        | ActionCommand::CartRemoveItem { item_id, .. } => Some(format!("item:{item_id}")),
        ActionCommand::CartRates { .. } | ActionCommand::CartShipping { .. } => {
            if lower.contains("carrier") || lower.contains("shipping method") {
                return Some("shipping_method".into());
            }
            if lower.contains("empty cart") {
                return Some("items".into());
            }
            let side = if lower.contains("billing") {
                "billing"
            } else {
                "shipping"
            };
            Some(match named_address_field(rendered) {
                Some(f) => format!("{side}.{f}"),
                None => side.to_owned(),
            })
        }
        ActionCommand::CartPlace { .. } => {
            if lower.contains("payment method") {
                Some("payment".into())
            } else if lower.contains("shipping method") {
                Some("shipping_method".into())
            } else if lower.contains("shipping address") || lower.contains("billing address") {
                let side = if lower.contains("billing address") {
                    "billing"
                } else {
                    "shipping"
                };
                Some(match named_address_field(rendered) {
                    Some(f) => format!("{side}.{f}"),
                    None => side.to_owned(),
                })
            } else if lower.contains("quantity") || lower.contains("qty") {
                Some("items".into())
            } else {
                None
            }
        }
        ActionCommand::CustomerCreate(_) | ActionCommand::CustomerUpdate { .. } => {
            customer_field(&lower, rendered)
        }
        ActionCommand::CartOpen { .. }
        | ActionCommand::RecordSync { .. }
        | ActionCommand::Subscription { .. } => None,
    }
}

/// The field of the customer form a store's refusal is about.
fn customer_field(lower: &str, rendered: &str) -> Option<String> {
    let r = rendered.to_ascii_lowercase();
    Some(
        if lower.contains("email") {
            "email"
        } else if r.contains("date of birth") || r.contains("dob") {
            "dob"
        } else if r.contains("first name") || r.contains("\"firstname\"") {
            "firstname"
        } else if r.contains("last name") || r.contains("\"lastname\"") {
            "lastname"
        } else if r.contains("tax/vat") || r.contains("taxvat") {
            "taxvat"
        } else if r.contains("gender") {
            "gender"
        } else if r.contains("group") || (r.starts_with("no such entity with id")) {
            "group_id"
        } else if [
            "street",
            "city",
            "telephone",
            "phone",
            "postcode",
            "countryid",
            "regionid",
            "region",
            "address",
            "default_billing",
            "default_shipping",
        ]
        .iter()
        .any(|w| r.contains(w))
        {
            "addresses"
        } else {
            return None;
        }
        .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_states_round_trip_through_their_names() {
        for kind in ActionKind::ALL {
            assert_eq!(kind.as_str().parse::<ActionKind>(), Ok(kind));
        }
        for state in ActionState::ALL {
            assert_eq!(state.as_str().parse::<ActionState>(), Ok(state));
        }
        assert!("cart.explode".parse::<ActionKind>().is_err());
    }

    #[test]
    fn messages_render_named_and_positional_parameters() {
        assert_eq!(
            render_message("The most you may purchase is %1.", Some(&json!([5]))),
            "The most you may purchase is 5."
        );
        assert_eq!(
            render_message(
                "No such entity with %fieldName = %fieldValue",
                Some(&json!({"fieldName": "cartId", "fieldValue": 12}))
            ),
            "No such entity with cartId = 12"
        );
        assert_eq!(render_message("100% sure %x", None), "100% sure %x");
    }

    #[test]
    fn refusals_point_at_the_field_they_name() {
        let add = ActionCommand::CartAddItem {
            cart: 1,
            sku: "X".into(),
            qty: Decimal::ONE,
            options: vec![],
        };
        let f = |c: &ActionCommand, raw: &str, params: Option<serde_json::Value>| {
            field_named(c, raw, &render_message(raw, params.as_ref()))
        };
        assert_eq!(
            f(&add, "The requested qty is not available", None).as_deref(),
            Some("qty")
        );
        assert_eq!(
            f(&add, "You need to choose options for your item.", None).as_deref(),
            Some("options")
        );
        assert_eq!(
            f(&add, "This product is out of stock.", None).as_deref(),
            Some("qty")
        );
        assert_eq!(
            f(
                &add,
                "Product that you are trying to add is not available.",
                None
            )
            .as_deref(),
            Some("sku")
        );
        assert_eq!(
            f(
                &add,
                "The product that was requested doesn't exist. Verify the product and try again.",
                None
            )
            .as_deref(),
            Some("sku")
        );
        let update = ActionCommand::CartUpdateItem {
            cart: 1,
            item_id: 7,
            qty: Decimal::TEN,
        };
        assert_eq!(
            f(
                &update,
                "The most you may purchase is %1.",
                Some(json!([5]))
            )
            .as_deref(),
            Some("item:7")
        );
        let ship = ActionCommand::CartShipping {
            cart: 1,
            shipping: AddressChoice::Saved(3),
            billing: None,
            carrier: "flatrate".into(),
            method: "flatrate".into(),
        };
        assert_eq!(
            f(
                &ship,
                "The shipping information was unable to be saved. Error: \"%message\"",
                Some(json!({"message": "\"postcode\" is required. Enter and try again."}))
            )
            .as_deref(),
            Some("shipping.postcode")
        );
        assert_eq!(
            f(
                &ship,
                "The shipping information was unable to be saved. Error: \"%message\"",
                Some(
                    json!({"message": "Invalid value of \"XX\" provided for the countryId field."})
                )
            )
            .as_deref(),
            Some("shipping.country_id")
        );
        assert_eq!(
            f(
                &ship,
                "Carrier with such method not found: %1, %2",
                Some(json!(["a", "b"]))
            )
            .as_deref(),
            Some("shipping_method")
        );
        let place = ActionCommand::CartPlace {
            cart: 1,
            payment: "cashondelivery".into(),
        };
        assert_eq!(
            f(
                &place,
                "The requested Payment Method is not available.",
                None
            )
            .as_deref(),
            Some("payment")
        );
        assert_eq!(
            f(
                &place,
                "Please check the billing address information. %1",
                Some(json!(["\"telephone\" is required. Enter and try again."]))
            )
            .as_deref(),
            Some("billing.telephone")
        );
    }

    #[test]
    fn bad_input_is_refused_before_the_store_is_asked() {
        let add = |sku: &str, qty: Decimal| ActionCommand::CartAddItem {
            cart: 1,
            sku: sku.into(),
            qty,
            options: vec![],
        };
        assert!(add("MS-01", Decimal::ONE).validate().is_ok());
        for qty in [Decimal::ZERO, Decimal::NEGATIVE_ONE, Decimal::from(10_001)] {
            let e = add("MS-01", qty).validate().unwrap_err();
            assert!(
                matches!(&e, crate::AppError::Invalid { field, .. } if field == "qty"),
                "{qty}: {e:?}"
            );
        }
        assert!(add(" ", Decimal::ONE).validate().is_err());
        let open = |email: &str| ActionCommand::CartOpen {
            customer_magento_id: None,
            guest_email: Some(email.into()),
            store_view: None,
        };
        assert!(open("shopper@example.com").validate().is_ok());
        assert!(open("not an email").validate().is_err());
        let mut address = AddressInput {
            firstname: "Ana".into(),
            lastname: "Lee".into(),
            street: vec!["1 Main St".into()],
            city: "Austin".into(),
            region_id: Some(57),
            postcode: "78701".into(),
            country_id: "US".into(),
            telephone: "512 555 0100".into(),
            ..AddressInput::default()
        };
        assert!(address.validate("shipping").is_ok());
        address.postcode.clear();
        let e = address.validate("shipping").unwrap_err();
        assert!(
            matches!(&e, crate::AppError::Invalid { field, .. } if field == "shipping.postcode")
        );
        address.postcode = "x".repeat(10_000);
        assert!(address.validate("shipping").is_err());
    }

    #[test]
    fn commands_survive_json_and_the_wire() {
        let cmd = ActionCommand::CartShipping {
            cart: 9,
            shipping: AddressChoice::Typed(Box::new(AddressInput {
                firstname: "Ana".into(),
                street: vec!["1".into()],
                ..AddressInput::default()
            })),
            billing: Some(AddressChoice::Saved(4)),
            carrier: "flatrate".into(),
            method: "flatrate".into(),
        };
        let json = serde_json::to_string(&cmd).unwrap();
        assert_eq!(serde_json::from_str::<ActionCommand>(&json).unwrap(), cmd);
        let bytes = crate::wire::to_bytes(&cmd).unwrap();
        assert_eq!(
            crate::wire::from_bytes::<ActionCommand>(&bytes).unwrap(),
            cmd
        );
        let result = ActionResult::Shipping {
            payment_methods: vec![PaymentOption {
                code: "checkmo".into(),
                title: "Check / Money order".into(),
            }],
            grand_total: Some(Decimal::new(2500, 2)),
            shipping_amount: None,
            currency: Some("USD".into()),
        };
        let json = serde_json::to_string(&result).unwrap();
        assert_eq!(serde_json::from_str::<ActionResult>(&json).unwrap(), result);
    }
}
