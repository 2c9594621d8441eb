//! "Save as list" on the customers, carts and subscribers grids: the grid's current filter
//! becomes a marketing list (for users who manage lists).

use super::api::CreateMarketingList;
use crate::auth::SessionResource;
use domain::AppError;
use domain::Permission;
use domain::lists::{ListEntity, ListKind, NewList};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn SaveAsList(entity: ListEntity) -> impl IntoView {
    let session = SessionResource::get().0;
    let location = use_location();
    let create = ServerAction::<CreateMarketingList>::new();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ListKind::Dynamic);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/lists/{id}"), Default::default());
        }
    });
    let error = move || {
        create.value().with(|v| match v {
            Some(Err(AppError::Invalid { message, .. })) => Some(message.clone()),
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateMarketingList {
            list: NewList {
                name: name.get_untracked(),
                entity,
                kind: kind.get_untracked(),
                query: location.search.get_untracked(),
            },
        });
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.unwrap_or_default().can(Permission::ManageLists).then(|| view! {
                    <details class="save-as-list">
                        <summary class="button">"Save as list"</summary>
                        <form class="save-as-list-form" on:submit=submit>
                            <p class="hint">"The grid's current filters become a marketing list."</p>
                            <label class="field"><span>"List name"</span>
                                <input name="list_name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                            </label>
                            <label class="radio"><input type="radio" name="list_kind" prop:checked=move || kind.get() == ListKind::Dynamic on:change=move |_| kind.set(ListKind::Dynamic) />"Dynamic: follows the filter"</label>
                            <label class="radio"><input type="radio" name="list_kind" prop:checked=move || kind.get() == ListKind::Static on:change=move |_| kind.set(ListKind::Static) />"Static: these members, until refreshed"</label>
                            {move || error().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                            <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Save list"</button>
                        </form>
                    </details>
                })
            })}
        </Suspense>
    }
}
