//! "New customer" (`/new-customer`): an account created in a two-way channel's store. The
//! store's answer is the record: once created, the customer is read back and its page opens.
//! An email the website already has is refused by the store next to the email field, with a
//! link to the customer who has it.

use super::api::{CreatedCustomer, create_customer, load_new_customer};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::actions::{ActionResult, ActionState, AddressInput, NewCustomer};
use domain::customer_edit::NewCustomerChannel;
use domain::{AppError, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let setup = crate::data::data(|| (), |_| load_new_customer());
    view! {
        <Title text="New customer" />
        <div class="page-header"><h1>"New customer in a store"</h1></div>
        <RequirePermission permission=Permission::StoreActions>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="alert alert-info">"No active channel has two-way sync on: customers can be created only where Cartwise may write to the store. An administrator turns it on in the channel's settings."</p>
                        }.into_any(),
                        Ok(list) => form(list).into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn form(channels: Vec<NewCustomerChannel>) -> impl IntoView {
    let channels = StoredValue::new(channels);
    let first = channels.with_value(|c| c[0].clone());
    let channel = RwSignal::new(first.channel_id);
    let store_view = RwSignal::new(first.store_views.first().map(|v| v.0).unwrap_or_default());
    let group = RwSignal::new(first.groups.first().map(|g| g.0).unwrap_or(1));
    let (email, firstname, lastname, dob, taxvat) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let gender = RwSignal::new(String::new());
    let with_address = RwSignal::new(false);
    let address = RwSignal::new(AddressInput {
        country_id: "US".into(),
        ..AddressInput::default()
    });
    let subscribe = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let last = RwSignal::new(None::<Result<CreatedCustomer, AppError>>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(c)) = last.get()
            && let Some(ActionResult::CustomerCreated {
                crm_customer_id: Some(id),
                ..
            }) = c.action.result
        {
            navigate(&format!("/customers/{id}"), Default::default());
        }
    });
    let current = move || {
        channels.with_value(|list| list.iter().find(|c| c.channel_id == channel.get()).cloned())
    };
    let error_at = move |field: &'static str| {
        last.with(|l| match l {
            Some(Ok(c))
                if c.action.state == ActionState::Failed
                    && c.action.field.as_deref() == Some(field) =>
            {
                c.action.rendered.clone()
            }
            Some(Err(AppError::Invalid { field: f, message }))
                if f == field || f.starts_with(&format!("{field}.")) =>
            {
                Some(message.clone())
            }
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let customer = NewCustomer {
            website_id: 0, // The server takes it from the store view.
            store_id: store_view.get_untracked(),
            group_id: group.get_untracked(),
            email: email.get_untracked(),
            firstname: firstname.get_untracked(),
            lastname: lastname.get_untracked(),
            dob: Some(dob.get_untracked()).filter(|d| !d.is_empty()),
            gender: gender.get_untracked().parse().ok(),
            taxvat: Some(taxvat.get_untracked()).filter(|t| !t.trim().is_empty()),
            address: with_address.get_untracked().then(|| {
                let mut a = address.get_untracked();
                a.firstname = firstname.get_untracked();
                a.lastname = lastname.get_untracked();
                a
            }),
            subscribe: subscribe.get_untracked(),
        };
        let ch = channel.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = create_customer(ch, customer).await;
            busy.set(false);
            last.set(Some(result));
        });
    };
    let text = move |name: &'static str,
                     label: &'static str,
                     kind: &'static str,
                     value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=name type=kind prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                {move || error_at(name).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </label>
        }
    };
    let address_field = move |name: &'static str,
                              label: &'static str,
                              get: fn(&AddressInput) -> String,
                              set: fn(&mut AddressInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("address.{name}") type="text" prop:value=move || address.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); address.update(|a| set(a, v)); } />
            </label>
        }
    };
    let answer = move || {
        last.get().map(|r| match r {
            Ok(c) if c.action.state == ActionState::Done => {
                view! { <p class="alert alert-info" role="status">{c.action.summary()}</p> }.into_any()
            }
            Ok(c) => view! {
                <div class="alert alert-error" role="alert">
                    {c.action.summary()}
                    {c.existing.map(|id| view! { " " <a href=format!("/customers/{id}")>"Open the existing customer"</a> })}
                </div>
            }
            .into_any(),
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    view! {
        <form class="customer-form" on:submit=submit>
            <section class="card record-section">
                <h2>"Where"</h2>
                <div class="field-grid">
                    <label class="field">
                        <span>"Channel"</span>
                        <select name="channel" prop:value=move || channel.get().to_string()
                            on:change=move |ev| {
                                if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                                    channel.set(id);
                                    if let Some(c) = channels.with_value(|l| l.iter().find(|c| c.channel_id == id).cloned()) {
                                        store_view.set(c.store_views.first().map(|v| v.0).unwrap_or_default());
                                        group.set(c.groups.first().map(|g| g.0).unwrap_or(1));
                                    }
                                }
                            }>
                            {channels.with_value(|l| l.iter().map(|c| view! { <option value=c.channel_id.to_string()>{c.channel.clone()}</option> }).collect_view())}
                        </select>
                    </label>
                    <label class="field">
                        <span>"Store view (the welcome e-mail comes from it)"</span>
                        <select name="store_id" prop:value=move || store_view.get().to_string()
                            on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { store_view.set(v) }>
                            {move || current().map(|c| c.store_views.into_iter().map(|(id, _, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view())}
                        </select>
                        {move || error_at("store_id").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                    <label class="field">
                        <span>"Customer group"</span>
                        <select name="group_id" prop:value=move || group.get().to_string()
                            on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { group.set(v) }>
                            {move || current().map(|c| c.groups.into_iter().map(|(id, code)| view! { <option value=id.to_string()>{code}</option> }).collect_view())}
                        </select>
                        {move || error_at("group_id").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                </div>
            </section>
            <section class="card record-section">
                <h2>"Customer"</h2>
                <div class="field-grid">
                    {text("email", "Email", "email", email)}
                    {text("firstname", "First name", "text", firstname)}
                    {text("lastname", "Last name", "text", lastname)}
                    {text("dob", "Date of birth", "date", dob)}
                    <label class="field">
                        <span>"Gender"</span>
                        <select name="gender" prop:value=move || gender.get() on:change=move |ev| gender.set(event_target_value(&ev))>
                            <option value="">"Not set"</option>
                            <option value="1">"Male"</option>
                            <option value="2">"Female"</option>
                            <option value="3">"Not specified"</option>
                        </select>
                    </label>
                    {text("taxvat", "Tax/VAT number", "text", taxvat)}
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="subscribe" prop:checked=move || subscribe.get() on:change=move |ev| subscribe.set(event_target_checked(&ev)) />
                    "Subscribe to the newsletter (the store may ask the shopper to confirm by e-mail)"
                </label>
            </section>
            <section class="card record-section">
                <label class="checkbox">
                    <input type="checkbox" name="with_address" prop:checked=move || with_address.get() on:change=move |ev| with_address.set(event_target_checked(&ev)) />
                    "Add a first address (default billing and shipping)"
                </label>
                {move || with_address.get().then(|| view! {
                    <div class="field-grid address-fields">
                        {address_field("street", "Street", |a| a.street.join(", "), |a, v| a.street = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())}
                        {address_field("city", "City", |a| a.city.clone(), |a, v| a.city = v)}
                        {address_field("postcode", "Postcode", |a| a.postcode.clone(), |a, v| a.postcode = v)}
                        {address_field("country_id", "Country (2 letters)", |a| a.country_id.clone(), |a, v| a.country_id = v.trim().to_uppercase())}
                        {address_field("region", "Region or state", |a| a.region.clone().unwrap_or_default(), |a, v| a.region = Some(v).filter(|v| !v.trim().is_empty()))}
                        {address_field("telephone", "Phone", |a| a.telephone.clone(), |a, v| a.telephone = v)}
                    </div>
                    {move || error_at("address").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                })}
            </section>
            <p class="hint">"Magento e-mails every customer created through its API (a welcome message, or a confirmation link when the store asks for one); its API has no switch to keep quiet."</p>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Creating in the store…" } else { "Create in the store" }}
                </button>
            </div>
        </form>
        {answer}
    }
}
