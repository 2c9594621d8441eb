//! "Edit customer" (`/customers/:id/edit`): the customer's fields and address book as the CRM
//! last read them from the store. Saving sends only what the user changed, with the values the
//! form showed as the merge's base; the answer shows what reached the store, the store's
//! refusal next to the field it names, and every conflict with how it was decided.

use super::api::{edit_customer, load_customer_edit};
use super::conflicts::conflict_list;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::actions::{ActionState, ActionView, AddressInput};
use domain::customer_edit::{
    AddressChange, AddressRef, CustomerEdit, CustomerField, CustomerForm, DefaultChange,
    FieldChange,
};
use domain::{AppError, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EditCustomerPage() -> impl IntoView {
    // Created here, outside the guard, as every page's data: a resource created inside a
    // suspended view may be numbered differently by the server and the browser. Its loader
    // needs the right to edit, so a user without it gets the guard's refusal, not the form.
    let id = crate::grids::record::use_record_id();
    let version = RwSignal::new(0usize);
    let form = crate::data::data(
        move || (id.get(), version.get()),
        |(id, _)| load_customer_edit(id),
    );
    let last = RwSignal::new(None::<Result<ActionView, AppError>>);
    view! {
        <Title text="Edit customer" />
        <RequirePermission permission=Permission::StoreActions>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => editor(f, last, version).into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

/// One address card of the form: a saved address (with what the form showed) or a new one.
#[derive(Clone, Copy)]
struct Card {
    magento_id: Option<i64>,
    original: StoredValue<Option<AddressInput>>,
    values: RwSignal<AddressInput>,
    removed: RwSignal<bool>,
    /// A stable key for new cards (their radio values), `new:<n>`.
    key: StoredValue<String>,
}

/// A field of the form: which, the value it was loaded with (the base), and what is typed.
type FieldInput = (CustomerField, Option<String>, RwSignal<String>);

#[derive(Clone, Copy)]
struct State {
    fields: StoredValue<Vec<FieldInput>>,
    cards: RwSignal<Vec<Card>>,
    billing: RwSignal<String>,
    shipping: RwSignal<String>,
    original_billing: Option<i64>,
    original_shipping: Option<i64>,
    next_new: RwSignal<usize>,
}

impl State {
    fn new(f: &CustomerForm) -> Self {
        let fields = CustomerField::ALL
            .into_iter()
            .map(|field| {
                let v = f.value(field).map(str::to_owned);
                (field, v.clone(), RwSignal::new(v.unwrap_or_default()))
            })
            .collect();
        let cards = f
            .addresses
            .iter()
            .map(|a| Card {
                magento_id: Some(a.magento_id),
                original: StoredValue::new(Some(a.values.clone())),
                values: RwSignal::new(a.values.clone()),
                removed: RwSignal::new(false),
                key: StoredValue::new(format!("saved:{}", a.magento_id)),
            })
            .collect();
        let default_of = |pick: fn(&domain::customer_edit::FormAddress) -> bool| {
            f.addresses.iter().find(|a| pick(a)).map(|a| a.magento_id)
        };
        let (b, s) = (
            default_of(|a| a.default_billing),
            default_of(|a| a.default_shipping),
        );
        let key = |id: Option<i64>| id.map(|i| format!("saved:{i}")).unwrap_or_default();
        State {
            fields: StoredValue::new(fields),
            cards: RwSignal::new(cards),
            billing: RwSignal::new(key(b)),
            shipping: RwSignal::new(key(s)),
            original_billing: b,
            original_shipping: s,
            next_new: RwSignal::new(0),
        }
    }

    /// What the user changed, in the merge's terms.
    fn edit(&self) -> CustomerEdit {
        let mut edit = CustomerEdit::default();
        self.fields.with_value(|fields| {
            for (field, from, value) in fields {
                let to = Some(value.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
                if to != *from {
                    edit.fields.push(FieldChange {
                        field: *field,
                        from: from.clone(),
                        to,
                    });
                }
            }
        });
        // New cards' positions among the added addresses, for defaults pointing at them.
        let mut new_index = std::collections::HashMap::new();
        for card in self.cards.get_untracked() {
            let values = card.values.get_untracked();
            let removed = card.removed.get_untracked();
            match (card.magento_id, card.original.get_value()) {
                (Some(id), Some(from)) if removed => edit.addresses.push(AddressChange::Remove {
                    magento_id: id,
                    from: Box::new(from),
                }),
                (Some(id), Some(from)) if from != values => {
                    edit.addresses.push(AddressChange::Edit {
                        magento_id: id,
                        from: Box::new(from),
                        to: Box::new(values),
                    })
                }
                (None, _) if !removed => {
                    new_index.insert(card.key.get_value(), new_index.len());
                    edit.addresses.push(AddressChange::Add(Box::new(values)));
                }
                _ => {}
            }
        }
        let default = |chosen: String, from: Option<i64>| -> Option<DefaultChange> {
            let to = if let Some(id) = chosen.strip_prefix("saved:") {
                AddressRef::Saved(id.parse().ok()?)
            } else {
                AddressRef::New(*new_index.get(&chosen)?)
            };
            (Some(to) != from.map(AddressRef::Saved)).then_some(DefaultChange { from, to })
        };
        edit.default_billing = default(self.billing.get_untracked(), self.original_billing);
        edit.default_shipping = default(self.shipping.get_untracked(), self.original_shipping);
        edit
    }
}

fn error_at(last: RwSignal<Option<Result<ActionView, AppError>>>, field: &str) -> Option<String> {
    last.with(|l| match l {
        Some(Ok(a)) if a.state == ActionState::Failed && a.field.as_deref() == Some(field) => {
            a.rendered.clone()
        }
        Some(Err(AppError::Invalid { field: f, message })) if f == field => Some(message.clone()),
        _ => None,
    })
}

fn editor(
    f: CustomerForm,
    last: RwSignal<Option<Result<ActionView, AppError>>>,
    version: RwSignal<usize>,
) -> impl IntoView {
    let title = format!(
        "Edit {}",
        [
            f.value(CustomerField::Firstname),
            f.value(CustomerField::Lastname)
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    );
    let back = format!("/customers/{}", f.customer_id);
    let read_only = f.read_only.clone();
    let locked = read_only.is_some();
    let state = State::new(&f);
    let busy = RwSignal::new(false);
    let customer = f.customer_id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || locked {
            return;
        }
        let edit = state.edit();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = edit_customer(customer, edit).await;
            busy.set(false);
            let done = matches!(&result, Ok(a) if a.state == ActionState::Done);
            last.set(Some(result));
            // The form reloads from the CRM's copy, now the store's: the next edit's base.
            if done {
                version.update(|v| *v += 1);
            }
        });
    };
    let groups = StoredValue::new(f.groups.clone());
    let field_input = move |field: CustomerField, label: &'static str| {
        let value = state
            .fields
            .with_value(|list| {
                list.iter()
                    .find(|(x, _, _)| *x == field)
                    .map(|(_, _, s)| *s)
            })
            .expect("every field has a signal");
        let name = field.as_str();
        let input = match field {
            CustomerField::Gender => view! {
                <select name=name disabled=locked prop:value=move || value.get()
                    on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">"Not set"</option>
                    <option value="1">"Male"</option>
                    <option value="2">"Female"</option>
                    <option value="3">"Not specified"</option>
                </select>
            }
            .into_any(),
            CustomerField::GroupId => view! {
                <select name=name disabled=locked prop:value=move || value.get()
                    on:change=move |ev| value.set(event_target_value(&ev))>
                    {groups.with_value(|g| g.iter().map(|(id, code)| view! {
                        <option value=id.to_string()>{code.clone()}</option>
                    }).collect_view())}
                </select>
            }
            .into_any(),
            _ => {
                let kind = match field {
                    CustomerField::Email => "email",
                    CustomerField::Dob => "date",
                    _ => "text",
                };
                view! {
                    <input name=name type=kind disabled=locked prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                }
                .into_any()
            }
        };
        view! {
            <label class="field">
                <span>{label}</span>
                {input}
                {move || error_at(last, name).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </label>
        }
    };
    let countries = StoredValue::new(f.countries.clone());
    let add_address = move |_| {
        let n = state.next_new.get_untracked();
        state.next_new.set(n + 1);
        state.cards.update(|cards| {
            cards.push(Card {
                magento_id: None,
                original: StoredValue::new(None),
                values: RwSignal::new(AddressInput {
                    country_id: "US".into(),
                    street: vec![String::new()],
                    ..AddressInput::default()
                }),
                removed: RwSignal::new(false),
                key: StoredValue::new(format!("new:{n}")),
            })
        });
    };
    let owners = (!f.owners.is_empty()).then(|| {
        let list = f
            .owners
            .iter()
            .map(|o| {
                format!(
                    "{}: {}",
                    o.field.label(),
                    if o.owner == domain::SyncPriority::Remote {
                        "the store"
                    } else {
                        "Cartwise"
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(" Field owners: {list}.")
    });
    let rules = format!(
        "On a conflict (a field changed in the store since the last sync and here) {} wins.{}",
        if f.priority == domain::SyncPriority::Remote {
            "the store"
        } else {
            "Cartwise"
        },
        owners.unwrap_or_default()
    );
    // One element around it all: optional views as bare siblings at the top of a suspended
    // view fail to hydrate.
    view! {
        <div class="customer-edit">
        <div class="page-header">
            <h1>{title}</h1>
            <a class="button" href=back.clone()>"Back to the customer"</a>
        </div>
        {read_only.map(|why| view! { <p class="alert alert-info" role="note">{format!("Read-only: {why}")}</p> })}
        {(!locked).then(|| view! {
            <p class="muted">{format!("Changes go to the store of {} at once; only the fields you change are sent. {rules}", f.channel)}</p>
        })}
        <form class="customer-form" on:submit=save>
            <section class="card record-section">
                <h2>"Customer"</h2>
                <div class="field-grid">
                    {field_input(CustomerField::Firstname, "First name")}
                    {field_input(CustomerField::Lastname, "Last name")}
                    {field_input(CustomerField::Email, "Email")}
                    {field_input(CustomerField::Dob, "Date of birth")}
                    {field_input(CustomerField::Gender, "Gender")}
                    {field_input(CustomerField::Taxvat, "Tax/VAT number")}
                    {field_input(CustomerField::GroupId, "Customer group")}
                </div>
            </section>
            <section class="card record-section">
                <h2>"Address book"</h2>
                {move || error_at(last, "addresses").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <div class="address-cards">
                    <For each=move || state.cards.get() key=|c| c.key.get_value() let:card>
                        {address_card(card, state, locked, last, countries)}
                    </For>
                </div>
                {(!locked).then(|| view! {
                    <button type="button" class="button" on:click=add_address>"Add an address"</button>
                })}
            </section>
            {(!locked).then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Sending to the store…" } else { "Save to the store" }}
                    </button>
                </div>
            })}
        </form>
        {move || last.get().map(answer)}
        </div>
    }
}

fn address_card(
    card: Card,
    state: State,
    locked: bool,
    last: RwSignal<Option<Result<ActionView, AppError>>>,
    countries: StoredValue<Vec<domain::customer_edit::CountryChoice>>,
) -> impl IntoView {
    let key = card.key.get_value();
    let prefix = match card.magento_id {
        Some(id) => format!("address:{id}"),
        None => format!("address:{key}"),
    };
    let field = move |name: &'static str,
                      label: &'static str,
                      get: fn(&AddressInput) -> String,
                      set: fn(&mut AddressInput, String)| {
        let full = format!("{prefix}.{name}");
        let full2 = full.clone();
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=full.clone() type="text" disabled=move || locked || card.removed.get()
                    prop:value=move || card.values.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); card.values.update(|a| set(a, v)); } />
                {move || error_at(last, &full2).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </label>
        }
    };
    let regions = move || {
        let code = card.values.with(|a| a.country_id.clone());
        countries.with_value(|list| {
            list.iter()
                .find(|c| c.code == code)
                .map(|c| c.regions.clone())
                .unwrap_or_default()
        })
    };
    let k1 = key.clone();
    let k2 = key.clone();
    let (kb, ks) = (key.clone(), key.clone());
    view! {
        <fieldset class="address-card" data-address=key.clone() class:removed=move || card.removed.get()>
            <legend>{match card.magento_id { Some(id) => format!("Address {id}"), None => "New address".to_owned() }}</legend>
            <div class="field-grid address-fields">
                {field.clone()("firstname", "First name", |a| a.firstname.clone(), |a, v| a.firstname = v)}
                {field.clone()("lastname", "Last name", |a| a.lastname.clone(), |a, v| a.lastname = v)}
                {field.clone()("company", "Company", |a| a.company.clone().unwrap_or_default(), |a, v| a.company = Some(v).filter(|v| !v.trim().is_empty()))}
                {field.clone()("street", "Street", |a| a.street.join(", "), |a, v| a.street = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())}
                {field.clone()("city", "City", |a| a.city.clone(), |a, v| a.city = v)}
                {field.clone()("postcode", "Postcode", |a| a.postcode.clone(), |a, v| a.postcode = v)}
                <label class="field">
                    <span>"Country"</span>
                    <select disabled=move || locked || card.removed.get() prop:value=move || card.values.with(|a| a.country_id.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); card.values.update(|a| { a.country_id = v; a.region_id = None; }); }>
                        {countries.with_value(|list| list.iter().map(|c| view! { <option value=c.code.clone()>{c.name.clone()}</option> }).collect_view())}
                    </select>
                </label>
                {let field = field.clone(); move || {
                    let list = regions();
                    if list.is_empty() {
                        field.clone()("region", "Region or state", |a| a.region.clone().unwrap_or_default(), |a, v| a.region = Some(v).filter(|v| !v.trim().is_empty())).into_any()
                    } else {
                        view! {
                            <label class="field">
                                <span>"Region or state"</span>
                                <select disabled=move || locked || card.removed.get()
                                    prop:value=move || card.values.with(|a| a.region_id.map(|r| r.to_string()).unwrap_or_default())
                                    on:change=move |ev| { let v = event_target_value(&ev); card.values.update(|a| { a.region_id = v.parse().ok(); a.region = None; }); }>
                                    <option value="">"Choose…"</option>
                                    {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                            </label>
                        }.into_any()
                    }
                }}
                {field("telephone", "Phone", |a| a.telephone.clone(), |a, v| a.telephone = v)}
            </div>
            <div class="address-defaults">
                <label class="radio">
                    <input type="radio" name="default_billing" disabled=locked value=k1.clone()
                        prop:checked=move || state.billing.get() == kb
                        on:change=move |_| state.billing.set(k1.clone()) />
                    "Default billing"
                </label>
                <label class="radio">
                    <input type="radio" name="default_shipping" disabled=locked value=k2.clone()
                        prop:checked=move || state.shipping.get() == ks
                        on:change=move |_| state.shipping.set(k2.clone()) />
                    "Default shipping"
                </label>
                {(!locked).then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="remove" prop:checked=move || card.removed.get()
                            on:change=move |ev| card.removed.set(event_target_checked(&ev)) />
                        "Remove this address"
                    </label>
                })}
            </div>
        </fieldset>
    }
}

/// The answer of the last save: pending, in the store, or refused; with its conflicts.
fn answer(result: Result<ActionView, AppError>) -> AnyView {
    match result {
        Ok(a) => {
            let tone = match a.state {
                ActionState::Done => "alert-info",
                ActionState::Failed => "alert-error",
                _ => "alert-warning",
            };
            let sent_something = !matches!(
                &a.result,
                Some(domain::actions::ActionResult::CustomerSaved { sent, addresses_sent: false, .. })
                    if sent.is_empty()
            );
            let state = match a.state {
                ActionState::Done if !sent_something => "Done",
                ActionState::Done => "In the store",
                ActionState::Failed => "Refused",
                ActionState::Queued | ActionState::Running => "Pending",
                ActionState::Unknown => "Checking the store",
            };
            view! {
                <div class=format!("alert {tone} customer-save-answer") role="status" data-state=a.state.as_str()>
                    <strong>{state}</strong>" · "{a.summary()}
                    {conflict_list(&a, true)}
                </div>
            }
            .into_any()
        }
        Err(error) => view! { <ErrorMessage error /> }.into_any(),
    }
}
