//! The cart builder (`/carts/:id/build`): a sales rep builds a shopper's cart and places the
//! order over the phone. Every change is one store action; the page then shows the cart as
//! the store answered, never a guess. Steps: lines, shipping address and rate, payment, place.

use super::api::{
    add_to_cart, ask_shipping_rates, change_cart_line, find_products, get_cart_builder,
    place_cart_order, remove_cart_line, set_cart_shipping,
};
use super::timeline::{action_item, state_tone};
use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::grids::record;
use domain::actions::{
    ActionResult, ActionState, ActionView, AddressChoice, AddressInput, ItemOption,
};
use domain::checkout::{CartBuilder, CartLine, ProductChoice};
use domain::{AppError, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// What the rep is filling in; kept outside the page body so a reload after an action keeps it.
#[derive(Clone, Copy)]
struct Form {
    q: RwSignal<String>,
    results: RwSignal<Option<Result<Vec<ProductChoice>, AppError>>>,
    chosen: RwSignal<Option<ProductChoice>>,
    options: RwSignal<Vec<(i64, Option<i64>)>>,
    qty: RwSignal<String>,
    /// `saved:<id>` or `new`.
    ship_to: RwSignal<String>,
    address: RwSignal<AddressInput>,
    bill_same: RwSignal<bool>,
    bill_to: RwSignal<String>,
    billing: RwSignal<AddressInput>,
    rate: RwSignal<String>,
    payment: RwSignal<String>,
    /// The step being sent (`add`, `line:7`, `rates`, `shipping`, `place`).
    busy: RwSignal<Option<String>>,
    /// The last action's answer (or why it was not sent).
    last: RwSignal<Option<Result<ActionView, AppError>>>,
    version: RwSignal<usize>,
}

impl Form {
    fn new() -> Self {
        Form {
            q: RwSignal::new(String::new()),
            results: RwSignal::new(None),
            chosen: RwSignal::new(None),
            options: RwSignal::new(Vec::new()),
            qty: RwSignal::new("1".into()),
            ship_to: RwSignal::new(String::new()),
            address: RwSignal::new(AddressInput::default()),
            bill_same: RwSignal::new(true),
            bill_to: RwSignal::new(String::new()),
            billing: RwSignal::new(AddressInput::default()),
            rate: RwSignal::new(String::new()),
            payment: RwSignal::new(String::new()),
            busy: RwSignal::new(None),
            last: RwSignal::new(None),
            version: RwSignal::new(0),
        }
    }

    /// The message to show beside `field`, from the last answer: the store's refusal naming
    /// it, or a check that failed before anything was sent.
    fn error_at(self, field: &str) -> Option<String> {
        self.last.with(|last| match last {
            Some(Ok(a)) if a.state == ActionState::Failed && a.field.as_deref() == Some(field) => {
                a.rendered.clone()
            }
            Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                Some(message.clone())
            }
            _ => None,
        })
    }

    /// Runs one step: sends it, keeps the answer, reloads the cart.
    fn send<F>(self, step: String, call: F)
    where
        F: std::future::Future<Output = Result<ActionView, AppError>> + 'static,
    {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.busy.set(Some(step));
        leptos::task::spawn_local(async move {
            let result = call.await;
            self.busy.set(None);
            self.last.set(Some(result));
            self.version.update(|v| *v += 1);
        });
    }
}

fn choice(value: &str, typed: AddressInput) -> AddressChoice {
    match value
        .strip_prefix("saved:")
        .and_then(|id| id.parse::<i64>().ok())
    {
        Some(id) => AddressChoice::Saved(id),
        None => AddressChoice::Typed(Box::new(typed)),
    }
}

#[component]
pub fn CartBuilderPage() -> impl IntoView {
    let id = record::use_record_id();
    let form = Form::new();
    let cart = crate::data::data(
        move || (id.get(), form.version.get()),
        |(id, _)| get_cart_builder(id),
    );
    let session = SessionResource::get().0;
    // A placed order opens its page, with its real number.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(a)) = form.last.get()
            && let Some(ActionResult::Placed {
                crm_order_id: Some(order),
                ..
            }) = a.result
        {
            navigate(&format!("/orders/{order}"), Default::default());
        }
    });
    view! {
        <RequirePermission permission=Permission::ReadData>
            <noscript>
                <div class="alert alert-warning">"The cart builder needs JavaScript. Without it, use the command line: cartwise cart add / shipping / place."</div>
            </noscript>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let may_act = session.await.unwrap_or_default().can(Permission::StoreActions);
                    match cart.await {
                        Ok(cart) => page(cart, may_act, form).into_any(),
                        Err(e) => record::failed(e, ("Back to shopping carts", "/carts")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(cart: CartBuilder, may_act: bool, form: Form) -> impl IntoView {
    let title = format!("Cart {}", cart.cart);
    let editable = cart.editable() && may_act;
    // Defaults for the address step: the default shipping address.
    if form.ship_to.get_untracked().is_empty() {
        let default = cart
            .addresses
            .iter()
            .find(|a| a.is_default_shipping)
            .or(cart.addresses.first())
            .map(|a| format!("saved:{}", a.magento_id))
            .unwrap_or_else(|| "new".into());
        form.ship_to.set(default);
        if cart.customer.is_none() {
            let email = cart.guest_email.clone().or(cart.email.clone());
            form.address.update(|a| a.email = email);
        }
    }
    let status = view! {
        <span class=format!("badge tone-{}", domain::grid::carts::status_tone(cart.status).as_str())>{cart.status.label()}</span>
    };
    let who = match &cart.customer {
        Some(c) => view! { "for " <a href=format!("/customers/{}", c.id)>{c.label.clone()}</a> }.into_any(),
        None => view! { {format!("for a guest ({})", cart.guest_email.clone().or(cart.email.clone()).unwrap_or_else(|| "no email yet".into()))} }.into_any(),
    };
    let notice = if cart.order.is_some() {
        let order = cart
            .order
            .clone()
            .unwrap_or_else(|| domain::grid::detail::RecordLink {
                id: 0,
                label: String::new(),
            });
        view! {
            <div class="alert alert-success" role="status">
                "This cart was purchased: it is order " <a href=format!("/orders/{}", order.id)>{order.label}</a> "."
            </div>
        }
        .into_any()
    } else if !cart.is_active {
        view! {
            <div class="alert alert-warning" role="status">
                "This cart is no longer active in the store (it was ordered, merged or emptied there), so it cannot be changed."
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-info live-cart" role="note">
                <strong>"This is the cart the shopper sees."</strong>
                " Magento keeps one live cart per customer: what you change here changes it in the store at once, and the shopper's own changes show up here when you act or reload."
            </div>
        }
        .into_any()
    };
    let pending = cart.pending.clone().map(|a| {
        view! {
            <div class="alert alert-warning" role="status">
                {format!("{}: {}", a.kind.label(), a.summary())}
            </div>
        }
    });
    let back = format!("/carts/{}", cart.id);
    let checkout_ready = editable && !cart.lines.is_empty();
    view! {
        <Title text=title.clone() />
        <div class="record-header">
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <a href="/carts">"Shopping carts"</a><span aria-hidden="true">" › "</span>
                <a href=back>{title.clone()}</a><span aria-hidden="true">" › "</span>
            </nav>
            <div class="page-header">
                <h1>{format!("Build {title}")}<span class="record-badges">{status}</span></h1>
                <p class="muted">{who}{format!(" · {} · {}", cart.channel, cart.store_view.clone().unwrap_or_default())}</p>
            </div>
        </div>
        {notice}
        {pending}
        {last_answer(form)}
        <div class="builder">
            {lines(&cart, editable, form)}
            {editable.then(|| add_product(cart.id, form))}
            {checkout_ready.then(|| shipping(&cart, form))}
            {checkout_ready.then(|| payment(&cart, form))}
            <section class="card record-section">
                <h2>"This cart's store actions"</h2>
                {if cart.recent.is_empty() {
                    view! { <p class="muted">"None yet."</p> }.into_any()
                } else {
                    view! { <ol class="timeline">{cart.recent.iter().map(action_item).collect_view()}</ol> }.into_any()
                }}
            </section>
        </div>
    }
}

/// The store's answer to the last step, when it is not shown beside a field.
fn last_answer(form: Form) -> impl IntoView {
    move || {
        form.last.with(|last| match last {
            Some(Err(AppError::Invalid { .. })) => None,
            Some(Err(error)) => Some(view! { <ErrorMessage error=error.clone() /> }.into_any()),
            Some(Ok(a)) if a.field.is_none() || a.state != ActionState::Failed => {
                let tone = state_tone(a.state).as_str();
                Some(view! {
                    <div class=format!("alert action-answer tone-{tone}") role="status" data-state=a.state.as_str()>
                        <strong>{a.kind.label()}": "</strong>{a.summary()}
                    </div>
                }.into_any())
            }
            _ => None,
        })
    }
}

fn money(m: &Option<domain::grid::Money>) -> String {
    m.as_ref().map(|m| m.display()).unwrap_or_default()
}

fn lines(cart: &CartBuilder, editable: bool, form: Form) -> impl IntoView {
    let cart_id = cart.id;
    let rows = cart
        .lines
        .iter()
        .map(|line| line_row(cart_id, line, editable, form))
        .collect_view();
    let empty = cart.lines.is_empty().then(|| {
        view! { <p class="muted">"The cart is empty."</p> }
    });
    view! {
        <section class="card record-section">
            <h2>"Items"</h2>
            {empty}
            {(!cart.lines.is_empty()).then(|| view! {
                <table class="table cart-lines">
                    <thead><tr><th>"SKU"</th><th>"Product"</th><th class="num">"Qty"</th><th class="num">"Price"</th><th class="num">"Row total"</th><th></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            })}
            <p class="cart-totals">
                {format!("Subtotal {} · Grand total {}", money(&cart.subtotal), money(&cart.grand_total))}
            </p>
        </section>
    }
}

fn line_row(cart: i64, line: &CartLine, editable: bool, form: Form) -> impl IntoView {
    let item = line.item_id;
    let qty = RwSignal::new(line.qty.map(domain::grid::format_qty).unwrap_or_default());
    let key = format!("item:{item}");
    let key2 = key.clone();
    let error = move || form.error_at(&key2);
    let busy = move || form.busy.get().is_some();
    let update = move |_| {
        let q = qty.get_untracked();
        form.send(format!("line:{item}"), change_cart_line(cart, item, q));
    };
    let remove = move |_| {
        form.send(format!("line:{item}"), remove_cart_line(cart, item));
    };
    view! {
        <tr data-sku=line.sku.clone().unwrap_or_default()>
            <td><code>{line.sku.clone().unwrap_or_default()}</code></td>
            <td>{line.name.clone().unwrap_or_default()}</td>
            <td class="num">
                {if editable {
                    view! {
                        <input class="qty-input" type="text" inputmode="decimal" aria-label="Quantity"
                            prop:value=move || qty.get()
                            on:input=move |ev| qty.set(event_target_value(&ev)) />
                        <button type="button" class="button button-small" on:click=update disabled=busy>"Update"</button>
                    }.into_any()
                } else {
                    view! { {qty.get_untracked()} }.into_any()
                }}
                {move || error().map(|e| view! { <p class="field-error" role="alert" data-field=key.clone()>{e}</p> })}
            </td>
            <td class="num">{money(&line.price)}</td>
            <td class="num">{money(&line.row_total)}</td>
            <td>{editable.then(|| view! { <button type="button" class="button button-small button-danger" on:click=remove disabled=busy>"Remove"</button> })}</td>
        </tr>
    }
}

fn add_product(cart: i64, form: Form) -> impl IntoView {
    let search = move |_| {
        let q = form.q.get_untracked();
        leptos::task::spawn_local(async move {
            let found = find_products(cart, q).await;
            form.results.set(Some(found));
        });
    };
    let pick = move |p: ProductChoice| {
        form.options
            .set(p.options.iter().map(|o| (o.attribute_id, None)).collect());
        form.chosen.set(Some(p));
    };
    let results = move || {
        form.results.get().map(|r| match r {
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="muted">"No product matches."</p> }.into_any(),
            Ok(list) => view! {
                <ul class="product-results">
                    {list.into_iter().map(|p| {
                        let why = p.not_addable.clone();
                        let label = format!("{} — {}", p.sku, p.name.clone().unwrap_or_default());
                        let price = p.price.as_ref().map(|m| m.display()).unwrap_or_default();
                        let stock = match p.in_stock { Some(false) => " · out of stock", _ => "" };
                        let chosen = p.clone();
                        view! {
                            <li data-sku=p.sku.clone()>
                                <button type="button" class="button button-small" disabled=why.is_some()
                                    on:click=move |_| pick(chosen.clone())>"Choose"</button>
                                " " {label} <span class="muted">{format!(" {price}{stock}")}</span>
                                {why.map(|w| view! { <span class="muted">{format!(" — {w}")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        })
    };
    let add = move |_| {
        let Some(p) = form.chosen.get_untracked() else {
            return;
        };
        let chosen = form.options.get_untracked();
        if let Some(missing) = p.options.iter().find(|o| {
            chosen
                .iter()
                .any(|(a, v)| *a == o.attribute_id && v.is_none())
        }) {
            form.last.set(Some(Err(AppError::invalid(
                "options",
                format!("Choose the {}.", missing.label.to_lowercase()),
            ))));
            return;
        }
        let options = chosen
            .into_iter()
            .filter_map(|(attribute_id, value)| {
                Some(ItemOption {
                    attribute_id,
                    value: value?,
                })
            })
            .collect();
        form.send(
            "add".into(),
            add_to_cart(cart, p.sku.clone(), form.qty.get_untracked(), options),
        );
    };
    let chosen = move || {
        form.chosen.get().map(|p| {
            let option_pickers = p
                .options
                .iter()
                .map(|o| {
                    let attribute = o.attribute_id;
                    let values = o
                        .values
                        .iter()
                        .map(|v| view! { <option value=v.value.to_string()>{v.label.clone()}</option> })
                        .collect_view();
                    view! {
                        <label class="field">
                            <span>{o.label.clone()}</span>
                            <select data-attribute=attribute.to_string() on:change=move |ev| {
                                let value = event_target_value(&ev).parse::<i64>().ok();
                                form.options.update(|opts| {
                                    for (a, v) in opts.iter_mut() {
                                        if *a == attribute {
                                            *v = value;
                                        }
                                    }
                                });
                            }>
                                <option value="">"Choose…"</option>
                                {values}
                            </select>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class="chosen-product" data-sku=p.sku.clone()>
                    <p><strong>{p.name.clone().unwrap_or_default()}</strong> " " <code>{p.sku.clone()}</code></p>
                    <div class="field-grid">
                        {option_pickers}
                        <label class="field">
                            <span>"Quantity"</span>
                            <input name="qty" type="text" inputmode="decimal" prop:value=move || form.qty.get()
                                on:input=move |ev| form.qty.set(event_target_value(&ev)) />
                        </label>
                    </div>
                    {move || ["sku", "qty", "options"].iter().find_map(|f| form.error_at(f)).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                    <button type="button" class="button button-primary" on:click=add disabled=move || form.busy.get().is_some()>
                        {move || if form.busy.get().as_deref() == Some("add") { "Adding…" } else { "Add to cart" }}
                    </button>
                </div>
            }
        })
    };
    view! {
        <section class="card record-section">
            <h2>"Add a product"</h2>
            <div class="search-row">
                <input type="search" placeholder="SKU or name" aria-label="Search products by SKU or name"
                    prop:value=move || form.q.get()
                    on:input=move |ev| form.q.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); search(()); } />
                <button type="button" class="button" on:click=move |_| search(())>"Search"</button>
            </div>
            {results}
            {chosen}
        </section>
    }
}

/// The fields of a typed address (shipping or billing).
fn address_fields(
    prefix: &'static str,
    address: RwSignal<AddressInput>,
    form: Form,
) -> impl IntoView {
    let field = move |name: &'static str,
                      label: &'static str,
                      get: fn(&AddressInput) -> String,
                      set: fn(&mut AddressInput, String)| {
        let key = format!("{prefix}.{name}");
        let key2 = key.clone();
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=key.clone() type="text" prop:value=move || address.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); address.update(|a| set(a, v)); } />
                {move || form.error_at(&key2).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </label>
        }
    };
    view! {
        <div class="field-grid address-fields">
            {field("firstname", "First name", |a| a.firstname.clone(), |a, v| a.firstname = v)}
            {field("lastname", "Last name", |a| a.lastname.clone(), |a, v| a.lastname = v)}
            {field("street", "Street", |a| a.street.join("\n"), |a, v| a.street = v.split('\n').map(str::to_string).collect())}
            {field("city", "City", |a| a.city.clone(), |a, v| a.city = v)}
            {field("region", "Region or state", |a| a.region.clone().unwrap_or_default(), |a, v| a.region = Some(v).filter(|v| !v.trim().is_empty()))}
            {field("postcode", "Postcode", |a| a.postcode.clone(), |a, v| a.postcode = v)}
            {field("country_id", "Country (2 letters)", |a| a.country_id.clone(), |a, v| a.country_id = v.trim().to_uppercase())}
            {field("telephone", "Phone", |a| a.telephone.clone(), |a, v| a.telephone = v)}
            {field("email", "Email", |a| a.email.clone().unwrap_or_default(), |a, v| a.email = Some(v).filter(|v| !v.trim().is_empty()))}
        </div>
    }
}

/// A choice among the saved addresses and a typed one.
fn address_picker(
    name: &'static str,
    cart: &CartBuilder,
    selected: RwSignal<String>,
    typed: RwSignal<AddressInput>,
    form: Form,
) -> impl IntoView {
    let saved = cart
        .addresses
        .iter()
        .map(|a| {
            let value = format!("saved:{}", a.magento_id);
            let v2 = value.clone();
            let default = if a.is_default_shipping { " (default shipping)" } else if a.is_default_billing { " (default billing)" } else { "" };
            view! {
                <label class="radio">
                    <input type="radio" name=name value=value.clone() prop:checked=move || selected.get() == v2
                        on:change=move |_| selected.set(value.clone()) />
                    {format!("{}{default}", a.label)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="address-picker">
            {saved}
            <label class="radio">
                <input type="radio" name=name value="new" prop:checked=move || selected.get() == "new"
                    on:change=move |_| selected.set("new".into()) />
                "Another address"
            </label>
            {move || (selected.get() == "new").then(|| address_fields(if name == "ship_to" { "shipping" } else { "billing" }, typed, form))}
            {move || form.error_at(if name == "ship_to" { "shipping" } else { "billing" }).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </fieldset>
    }
}

fn shipping(cart: &CartBuilder, form: Form) -> impl IntoView {
    let cart_id = cart.id;
    let rates = cart.checkout.rates.clone();
    let ask = move |_| {
        let address = choice(&form.ship_to.get_untracked(), form.address.get_untracked());
        form.rate.set(String::new());
        form.send("rates".into(), ask_shipping_rates(cart_id, address));
    };
    let set = move |_| {
        let Some((carrier, method)) = form
            .rate
            .get_untracked()
            .split_once("__")
            .map(|(c, m)| (c.to_string(), m.to_string()))
        else {
            form.last.set(Some(Err(AppError::invalid(
                "shipping_method",
                "Choose a shipping rate.",
            ))));
            return;
        };
        let shipping = choice(&form.ship_to.get_untracked(), form.address.get_untracked());
        let billing = (!form.bill_same.get_untracked())
            .then(|| choice(&form.bill_to.get_untracked(), form.billing.get_untracked()));
        form.send(
            "shipping".into(),
            set_cart_shipping(cart_id, shipping, billing, carrier, method),
        );
    };
    if form.bill_to.get_untracked().is_empty() {
        form.bill_to.set(
            cart.addresses
                .iter()
                .find(|a| a.is_default_billing)
                .map(|a| format!("saved:{}", a.magento_id))
                .unwrap_or_else(|| "new".into()),
        );
    }
    let rate_list = rates.map(|rates| {
        if rates.is_empty() {
            return view! { <p class="muted">"The store offers no shipping for this cart and address."</p> }.into_any();
        }
        let items = rates
            .into_iter()
            .map(|r| {
                let value = format!("{}__{}", r.carrier, r.method);
                let v2 = value.clone();
                let label = format!(
                    "{} — {}: {}",
                    r.carrier_title,
                    r.method_title,
                    r.amount.map(|a| domain::grid::format_decimal(a, 2)).unwrap_or_default()
                );
                view! {
                    <label class="radio">
                        <input type="radio" name="rate" value=value.clone() disabled=!r.available
                            prop:checked=move || form.rate.get() == v2
                            on:change=move |_| form.rate.set(value.clone()) />
                        {label}
                        {r.error.map(|e| view! { <span class="muted">{format!(" ({e})")}</span> })}
                    </label>
                }
            })
            .collect_view();
        view! { <fieldset class="rates"><legend>"Shipping rates"</legend>{items}</fieldset> }.into_any()
    });
    let billing_picker = address_picker("bill_to", cart, form.bill_to, form.billing, form);
    view! {
        <section class="card record-section">
            <h2>"Shipping"</h2>
            {address_picker("ship_to", cart, form.ship_to, form.address, form)}
            <button type="button" class="button" on:click=ask disabled=move || form.busy.get().is_some()>
                {move || if form.busy.get().as_deref() == Some("rates") { "Asking the store…" } else { "Get shipping rates" }}
            </button>
            {rate_list}
            {move || form.error_at("shipping_method").map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || form.bill_same.get()
                    on:change=move |ev| form.bill_same.set(event_target_checked(&ev)) />
                "Bill to the shipping address"
            </label>
            <div hidden=move || form.bill_same.get()>{billing_picker}</div>
            <button type="button" class="button button-primary" on:click=set disabled=move || form.busy.get().is_some()>
                {move || if form.busy.get().as_deref() == Some("shipping") { "Saving…" } else { "Use this shipping" }}
            </button>
        </section>
    }
}

fn payment(cart: &CartBuilder, form: Form) -> impl IntoView {
    let cart_id = cart.id;
    let state = cart.checkout.clone();
    let pending = cart.pending.is_some();
    let place = move |_| {
        let payment = form.payment.get_untracked();
        if payment.is_empty() {
            form.last.set(Some(Err(AppError::invalid(
                "payment",
                "Choose a payment method.",
            ))));
            return;
        }
        form.send("place".into(), place_cart_order(cart_id, payment));
    };
    let body = match state.payment_methods {
        None => view! { <p class="muted">"Set the shipping first: the store then says which payment methods it takes for this cart."</p> }.into_any(),
        Some(methods) if methods.is_empty() => view! { <p class="muted">"The store offers no payment method for this cart."</p> }.into_any(),
        Some(methods) => {
            if form.payment.get_untracked().is_empty() && methods.len() == 1 {
                form.payment.set(methods[0].code.clone());
            }
            let items = methods
                .into_iter()
                .map(|m| {
                    let code = m.code.clone();
                    let c2 = code.clone();
                    view! {
                        <label class="radio">
                            <input type="radio" name="payment" value=code.clone() prop:checked=move || form.payment.get() == c2
                                on:change=move |_| form.payment.set(code.clone()) />
                            {m.title}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="payments"><legend>"Payment method"</legend>{items}</fieldset>
                {state.grand_total.map(|t| view! { <p class="cart-totals">{format!("Order total {}", t.display())}</p> })}
                {move || form.error_at("payment").or_else(|| form.error_at("items")).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <button type="button" class="button button-primary place-order" on:click=place
                    disabled=move || form.busy.get().is_some() || pending>
                    {move || if form.busy.get().as_deref() == Some("place") { "Placing the order…" } else { "Place order" }}
                </button>
            }.into_any()
        }
    };
    view! {
        <section class="card record-section">
            <h2>"Payment"</h2>
            {body}
        </section>
    }
}
