//! Two-way customer edits: what a user changed on a customer, and the three-way merge that
//! decides what is sent to the store.
//!
//! The base of the merge is what the user's form showed: the CRM's copy of the customer, which
//! only ever holds what was last read from (or accepted by) the store — an edit is never
//! written locally before the store takes it. So the base is the store's last known state, not
//! the CRM's pre-edit state as in OroCRM's merge, and a change the store made after the form
//! was opened is seen as the store's change. The remote side is the customer re-read from the
//! store just before sending.
//!
//! Per field: changed only in the CRM → sent; changed only in the store → kept (not sent);
//! changed on both to different values → a conflict, decided by the field's owner if the
//! channel names one, else by the channel's priority (or by the user choosing "send my value
//! anyway"), and written on the action either way. Fields the user did not touch are never
//! sent. The address book is merged per address and per address field the same way, and sent
//! whole (with ids) only when it changes.

use crate::SyncPriority;
use crate::actions::AddressInput;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The customer fields a CRM user may edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerField {
    Firstname,
    Lastname,
    Email,
    Dob,
    Gender,
    Taxvat,
    GroupId,
}

impl CustomerField {
    pub const ALL: [CustomerField; 7] = [
        CustomerField::Firstname,
        CustomerField::Lastname,
        CustomerField::Email,
        CustomerField::Dob,
        CustomerField::Gender,
        CustomerField::Taxvat,
        CustomerField::GroupId,
    ];

    /// The key in Magento's customer JSON (and on the command line: `--set email=…`).
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerField::Firstname => "firstname",
            CustomerField::Lastname => "lastname",
            CustomerField::Email => "email",
            CustomerField::Dob => "dob",
            CustomerField::Gender => "gender",
            CustomerField::Taxvat => "taxvat",
            CustomerField::GroupId => "group_id",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CustomerField::Firstname => "first name",
            CustomerField::Lastname => "last name",
            CustomerField::Email => "email",
            CustomerField::Dob => "date of birth",
            CustomerField::Gender => "gender",
            CustomerField::Taxvat => "tax/VAT number",
            CustomerField::GroupId => "customer group",
        }
    }

    /// Magento sends these as numbers.
    pub fn is_integer(self) -> bool {
        matches!(self, CustomerField::Gender | CustomerField::GroupId)
    }

    /// Magento requires these on every customer: they cannot be emptied.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            CustomerField::Firstname | CustomerField::Lastname | CustomerField::Email
        )
    }
}

impl fmt::Display for CustomerField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CustomerField {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CustomerField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown customer field \"{s}\" (one of: {})",
                    CustomerField::ALL.map(|f| f.as_str()).join(", ")
                )
            })
    }
}

/// Which side owns a field on a channel: its value wins every conflict on that field,
/// whatever the channel's priority ("the store owns email, the CRM owns group").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldOwner {
    pub field: CustomerField,
    /// `Remote`: the store owns it; `Local`: Cartwise does.
    pub owner: SyncPriority,
}

/// One field the user changed: the value the form showed (the base) and the new one. Values
/// are text as Magento's JSON carries them (`dob` as `YYYY-MM-DD`, numbers in decimal);
/// `None` is empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: CustomerField,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A change to one address of the book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressChange {
    /// An address of the book, as the form showed it and as the user left it.
    Edit {
        magento_id: i64,
        from: Box<AddressInput>,
        to: Box<AddressInput>,
    },
    Add(Box<AddressInput>),
    Remove {
        magento_id: i64,
        from: Box<AddressInput>,
    },
}

/// Which address a default (billing or shipping) points at after the edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressRef {
    /// An address of the book, by its Magento id.
    Saved(i64),
    /// The n-th address the edit adds (0-based, in the order of the `Add` changes).
    New(usize),
}

/// A default address the user moved: the one the form showed (`None`: no default) and the one
/// chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultChange {
    pub from: Option<i64>,
    pub to: AddressRef,
}

/// Everything one save of the customer form (or one `customer update`) changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerEdit {
    pub fields: Vec<FieldChange>,
    #[serde(default)]
    pub addresses: Vec<AddressChange>,
    #[serde(default)]
    pub default_billing: Option<DefaultChange>,
    #[serde(default)]
    pub default_shipping: Option<DefaultChange>,
}

impl CustomerEdit {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.addresses.is_empty()
            && self.default_billing.is_none()
            && self.default_shipping.is_none()
    }

    /// Whether the address book is touched at all (otherwise `addresses` is not sent).
    pub fn touches_addresses(&self) -> bool {
        !self.addresses.is_empty()
            || self.default_billing.is_some()
            || self.default_shipping.is_some()
    }

    /// Checks what can be checked before the store is asked, naming the field. `today` is the
    /// store-independent bound for a date of birth.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), crate::AppError> {
        use crate::AppError;
        if self.is_empty() {
            return Err(AppError::invalid("customer", "Nothing was changed."));
        }
        for change in &self.fields {
            validate_field(change.field, change.to.as_deref(), today)?;
        }
        let mut added = 0;
        for (i, change) in self.addresses.iter().enumerate() {
            match change {
                AddressChange::Edit { to, magento_id, .. } => {
                    to.validate(&format!("address:{magento_id}"))?
                }
                AddressChange::Add(to) => {
                    to.validate(&format!("address:new{i}"))?;
                    added += 1;
                }
                AddressChange::Remove { .. } => {}
            }
        }
        for d in [self.default_billing, self.default_shipping]
            .into_iter()
            .flatten()
        {
            if let AddressRef::New(n) = d.to
                && n >= added
            {
                return Err(AppError::invalid(
                    "addresses",
                    "A default points at an address that is not in the book.",
                ));
            }
        }
        Ok(())
    }
}

/// Checks one field's new value: required fields present, lengths, an email's shape, a date of
/// birth that is a past date, gender and group as numbers.
pub fn validate_field(
    field: CustomerField,
    value: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<(), crate::AppError> {
    use crate::AppError;
    let name = field.as_str();
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return if field.is_required() {
            Err(AppError::invalid(
                name,
                format!("Enter the {}.", field.label()),
            ))
        } else {
            Ok(())
        };
    };
    if value.chars().count() > 255 {
        return Err(AppError::invalid(
            name,
            format!("The {} has at most 255 characters.", field.label()),
        ));
    }
    match field {
        CustomerField::Email => crate::actions::valid_email(value, name),
        CustomerField::Dob => match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) if d > today => Err(AppError::invalid(
                name,
                "The date of birth cannot be in the future.",
            )),
            Ok(d) if d.year_ce().1 < 1900 => {
                Err(AppError::invalid(name, "Enter a date of birth after 1900."))
            }
            Ok(_) => Ok(()),
            Err(_) => Err(AppError::invalid(
                name,
                "Enter the date of birth as YYYY-MM-DD.",
            )),
        },
        CustomerField::Gender => match value {
            "1" | "2" | "3" => Ok(()),
            _ => Err(AppError::invalid(
                name,
                "Choose male (1), female (2) or not specified (3).",
            )),
        },
        CustomerField::GroupId => match value.parse::<i64>() {
            Ok(g) if g > 0 => Ok(()),
            _ => Err(AppError::invalid(name, "Choose a customer group.")),
        },
        _ => Ok(()),
    }
}

use chrono::Datelike;

/// The store's customer as the merge reads it (re-read just before sending).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteCustomer {
    pub fields: Vec<(CustomerField, Option<String>)>,
    pub addresses: Vec<RemoteAddress>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteAddress {
    pub magento_id: i64,
    pub values: AddressInput,
    pub default_billing: bool,
    pub default_shipping: bool,
}

impl RemoteCustomer {
    pub fn field(&self, field: CustomerField) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// How a conflict was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// The channel's priority.
    Priority,
    /// The field's owner on this channel.
    Owner,
    /// The user chose to send their value anyway.
    Forced,
}

/// A field changed on both sides to different values since the form was opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What it is about: `telephone`, `address:12.telephone`, `address:12`,
    /// `default_billing`.
    pub subject: String,
    /// In words: "email", "telephone of the address in Springfield".
    pub label: String,
    pub base: Option<String>,
    pub store: Option<String>,
    pub crm: Option<String>,
    /// Whose value was kept.
    pub kept: SyncPriority,
    pub decided_by: Decision,
}

impl Conflict {
    /// "The store changed email since the last sync; the store's value was kept
    /// (a@x.com); your value was b@x.com."
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| match v.as_deref() {
            Some(v) if !v.is_empty() => v.to_owned(),
            _ => "empty".to_owned(),
        };
        let why = match self.decided_by {
            Decision::Priority => match self.kept {
                SyncPriority::Remote => "the channel's priority is \"the store wins\"",
                SyncPriority::Local => "the channel's priority is \"Cartwise wins\"",
            },
            Decision::Owner => match self.kept {
                SyncPriority::Remote => "the store owns this field on this channel",
                SyncPriority::Local => "Cartwise owns this field on this channel",
            },
            Decision::Forced => "you chose to send your value anyway",
        };
        match self.kept {
            SyncPriority::Remote => format!(
                "The store changed {} since the last sync ({} → {}); its value was kept because {why}. Your value was {}.",
                self.label,
                show(&self.base),
                show(&self.store),
                show(&self.crm)
            ),
            SyncPriority::Local => format!(
                "The store changed {} since the last sync ({} → {}); your value {} was sent because {why}.",
                self.label,
                show(&self.base),
                show(&self.store),
                show(&self.crm)
            ),
        }
    }
}

/// One address of the book to send: with its id (kept, maybe edited) or without (new).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedAddress {
    pub magento_id: Option<i64>,
    pub values: AddressInput,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// What to send, and what was decided on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Fields to send with their values.
    pub fields: Vec<(CustomerField, Option<String>)>,
    /// The whole address book to send, or `None` to leave it alone.
    pub addresses: Option<Vec<MergedAddress>>,
    pub conflicts: Vec<Conflict>,
    /// Fields the store already holds the user's value for.
    pub already: Vec<CustomerField>,
}

impl Merged {
    pub fn sends_nothing(&self) -> bool {
        self.fields.is_empty() && self.addresses.is_none()
    }
}

/// The rules of one merge: the channel's priority, its field owners, and whether the user
/// asked to send their values anyway.
#[derive(Clone, Copy, Debug)]
pub struct MergeRules<'a> {
    pub priority: SyncPriority,
    pub owners: &'a [FieldOwner],
    pub force: bool,
}

impl MergeRules<'_> {
    fn decide(&self, field: Option<CustomerField>) -> (SyncPriority, Decision) {
        if self.force {
            return (SyncPriority::Local, Decision::Forced);
        }
        match field.and_then(|f| self.owners.iter().find(|o| o.field == f)) {
            Some(o) => (o.owner, Decision::Owner),
            None => (self.priority, Decision::Priority),
        }
    }
}

fn norm(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    norm(a) == norm(b)
}

/// The outcome of one value's three-way merge.
enum Pick {
    /// The store already has the user's value, or only the store changed it.
    Keep,
    /// Send the user's value.
    Send,
}

#[allow(clippy::too_many_arguments)]
fn merge_value(
    rules: &MergeRules<'_>,
    field: Option<CustomerField>,
    subject: String,
    label: String,
    base: Option<&str>,
    store: Option<&str>,
    crm: Option<&str>,
    conflicts: &mut Vec<Conflict>,
) -> Pick {
    // Not changed by the user (a form may list every field): whatever the store holds stands.
    if same(base, crm) || same(store, crm) {
        return Pick::Keep;
    }
    if same(store, base) {
        return Pick::Send;
    }
    let (kept, decided_by) = rules.decide(field);
    conflicts.push(Conflict {
        subject,
        label,
        base: norm(base).map(str::to_owned),
        store: norm(store).map(str::to_owned),
        crm: norm(crm).map(str::to_owned),
        kept,
        decided_by,
    });
    match kept {
        SyncPriority::Local => Pick::Send,
        SyncPriority::Remote => Pick::Keep,
    }
}

/// The address fields the merge compares one by one, with how to read and write each.
type AddressPart = (
    &'static str,
    fn(&AddressInput) -> Option<String>,
    fn(&mut AddressInput, Option<String>),
);

const ADDRESS_PARTS: [AddressPart; 10] = [
    (
        "firstname",
        |a| Some(a.firstname.clone()),
        |a, v| a.firstname = v.unwrap_or_default(),
    ),
    (
        "lastname",
        |a| Some(a.lastname.clone()),
        |a, v| a.lastname = v.unwrap_or_default(),
    ),
    ("company", |a| a.company.clone(), |a, v| a.company = v),
    (
        "street",
        |a| Some(a.street.join("\n")),
        |a, v| a.street = v.unwrap_or_default().lines().map(str::to_owned).collect(),
    ),
    (
        "city",
        |a| Some(a.city.clone()),
        |a, v| a.city = v.unwrap_or_default(),
    ),
    ("region", |a| a.region.clone(), |a, v| a.region = v),
    (
        "region_id",
        |a| a.region_id.map(|r| r.to_string()),
        |a, v| a.region_id = v.and_then(|v| v.parse().ok()),
    ),
    (
        "postcode",
        |a| Some(a.postcode.clone()),
        |a, v| a.postcode = v.unwrap_or_default(),
    ),
    (
        "country_id",
        |a| Some(a.country_id.clone()),
        |a, v| a.country_id = v.unwrap_or_default(),
    ),
    (
        "telephone",
        |a| Some(a.telephone.clone()),
        |a, v| a.telephone = v.unwrap_or_default(),
    ),
];

/// "the address in Springfield (12)".
fn address_label(id: i64, a: &AddressInput) -> String {
    if a.city.trim().is_empty() {
        format!("address {id}")
    } else {
        format!("the address in {} ({id})", a.city.trim())
    }
}

fn same_address(a: &AddressInput, b: &AddressInput) -> bool {
    ADDRESS_PARTS
        .iter()
        .all(|(_, get, _)| same(get(a).as_deref(), get(b).as_deref()))
}

/// Merges the user's edit with the store's current customer under the channel's rules.
pub fn merge(edit: &CustomerEdit, remote: &RemoteCustomer, rules: &MergeRules<'_>) -> Merged {
    let mut out = Merged::default();
    for change in &edit.fields {
        let store = remote.field(change.field);
        if same(change.from.as_deref(), change.to.as_deref()) {
            continue;
        }
        if same(store, change.to.as_deref()) {
            out.already.push(change.field);
            continue;
        }
        let pick = merge_value(
            rules,
            Some(change.field),
            change.field.as_str().to_owned(),
            change.field.label().to_owned(),
            change.from.as_deref(),
            store,
            change.to.as_deref(),
            &mut out.conflicts,
        );
        if let Pick::Send = pick {
            out.fields
                .push((change.field, norm(change.to.as_deref()).map(str::to_owned)));
        }
    }
    if edit.touches_addresses() {
        out.addresses = merge_addresses(edit, remote, rules, &mut out.conflicts);
    }
    out
}

/// A default (billing or shipping): its name, the user's change, and its flag on an address.
type DefaultSlot = (
    &'static str,
    Option<DefaultChange>,
    fn(&mut MergedAddress) -> &mut bool,
);

fn merge_addresses(
    edit: &CustomerEdit,
    remote: &RemoteCustomer,
    rules: &MergeRules<'_>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Vec<MergedAddress>> {
    let mut book: Vec<MergedAddress> = remote
        .addresses
        .iter()
        .map(|a| MergedAddress {
            magento_id: Some(a.magento_id),
            values: a.values.clone(),
            default_billing: a.default_billing,
            default_shipping: a.default_shipping,
        })
        .collect();
    let original = book.clone();
    // Where each added address lands in `book`, for defaults pointing at new ones.
    let mut added = Vec::new();
    for change in &edit.addresses {
        match change {
            AddressChange::Edit {
                magento_id,
                from,
                to,
            } => match book.iter_mut().find(|a| a.magento_id == Some(*magento_id)) {
                Some(current) => {
                    for (part, get, set) in ADDRESS_PARTS {
                        let pick = merge_value(
                            rules,
                            None,
                            format!("address:{magento_id}.{part}"),
                            format!("{part} of {}", address_label(*magento_id, from)),
                            get(from).as_deref(),
                            get(&current.values).as_deref(),
                            get(to).as_deref(),
                            conflicts,
                        );
                        if let Pick::Send = pick {
                            set(&mut current.values, get(to));
                        }
                    }
                }
                None => {
                    // Deleted in the store while the user edited it.
                    let (kept, decided_by) = rules.decide(None);
                    conflicts.push(Conflict {
                        subject: format!("address:{magento_id}"),
                        label: address_label(*magento_id, from),
                        base: Some("in the address book".into()),
                        store: Some("deleted".into()),
                        crm: Some("edited".into()),
                        kept,
                        decided_by,
                    });
                    if kept == SyncPriority::Local {
                        book.push(MergedAddress {
                            magento_id: None,
                            values: (**to).clone(),
                            default_billing: false,
                            default_shipping: false,
                        });
                    }
                }
            },
            AddressChange::Add(to) => {
                added.push(book.len());
                book.push(MergedAddress {
                    magento_id: None,
                    values: (**to).clone(),
                    default_billing: false,
                    default_shipping: false,
                });
            }
            AddressChange::Remove { magento_id, from } => {
                let Some(pos) = book.iter().position(|a| a.magento_id == Some(*magento_id)) else {
                    continue; // Already gone in the store.
                };
                if same_address(&book[pos].values, from) {
                    book.remove(pos);
                    continue;
                }
                let (kept, decided_by) = rules.decide(None);
                conflicts.push(Conflict {
                    subject: format!("address:{magento_id}"),
                    label: address_label(*magento_id, from),
                    base: Some("as you saw it".into()),
                    store: Some("changed in the store".into()),
                    crm: Some("removed".into()),
                    kept,
                    decided_by,
                });
                if kept == SyncPriority::Local {
                    book.remove(pos);
                }
            }
        }
    }
    let defaults: [DefaultSlot; 2] = [
        ("default_billing", edit.default_billing, |a| {
            &mut a.default_billing
        }),
        ("default_shipping", edit.default_shipping, |a| {
            &mut a.default_shipping
        }),
    ];
    for (name, change, flag) in defaults {
        let Some(change) = change else { continue };
        let target = match change.to {
            AddressRef::Saved(id) => book.iter().position(|a| a.magento_id == Some(id)),
            AddressRef::New(n) => added.get(n).copied(),
        };
        let Some(target) = target else { continue };
        let store_default = book
            .iter_mut()
            .find_map(|a| if *flag(a) { Some(a.magento_id) } else { None })
            .flatten();
        let crm_id = match change.to {
            AddressRef::Saved(id) => Some(id.to_string()),
            AddressRef::New(_) => Some("a new address".to_owned()),
        };
        let pick = merge_value(
            rules,
            None,
            name.to_owned(),
            name.replace('_', " "),
            change.from.map(|id| id.to_string()).as_deref(),
            store_default.map(|id| id.to_string()).as_deref(),
            crm_id.as_deref(),
            conflicts,
        );
        if let Pick::Send = pick {
            for a in book.iter_mut() {
                *flag(a) = false;
            }
            *flag(&mut book[target]) = true;
        }
    }
    (book != original).then_some(book)
}

/// What the customer form shows: the CRM's copy of the customer (the store's last known
/// state, the merge's base), and whether it may be edited here and why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerForm {
    pub customer_id: i64,
    pub channel_id: i64,
    pub channel: String,
    pub magento_id: Option<i64>,
    pub website_id: i64,
    /// Why the form is read-only (one-way channel, guest, removed), or `None`.
    pub read_only: Option<String>,
    pub two_way: bool,
    pub priority: SyncPriority,
    pub owners: Vec<FieldOwner>,
    pub values: Vec<(CustomerField, Option<String>)>,
    pub addresses: Vec<FormAddress>,
    /// 1 Subscribed, 2 Not activated, 3 Unsubscribed, 4 Unconfirmed; `None`: never subscribed.
    pub subscription: Option<i16>,
    /// The customer groups of the store: (Magento id, name).
    pub groups: Vec<(i64, String)>,
    /// The countries the store knows: (code, name, region list as (id, name)).
    pub countries: Vec<CountryChoice>,
}

impl CustomerForm {
    pub fn value(&self, field: CustomerField) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryChoice {
    pub code: String,
    pub name: String,
    pub regions: Vec<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAddress {
    pub magento_id: i64,
    pub values: AddressInput,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// What the "new customer" form offers for one channel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomerChannel {
    pub channel_id: i64,
    pub channel: String,
    /// Store views as (Magento id, website id, name).
    pub store_views: Vec<(i64, i64, String)>,
    pub groups: Vec<(i64, String)>,
    pub countries: Vec<CountryChoice>,
}

#[cfg(test)]
mod tests;
