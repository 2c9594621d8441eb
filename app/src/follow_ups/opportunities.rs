//! Sales › Opportunities: the grid, and an opportunity's page (its cart and customer, and a
//! form to move it through the stages).

use super::api::{SaveOpportunity, get_opportunity};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, fields, header, section, text, time};
use domain::AppError;
use domain::Permission;
use domain::follow_up::{OpportunityDetail, OpportunityForm, STAGES, stage_label};
use domain::grid::opportunities::{OpportunityRow, stage_tone};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OpportunitiesPage() -> impl IntoView {
    view! {
        <Title text="Opportunities" />
        <div class="page-header"><h1>"Opportunities"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<OpportunityRow>(GridSetup { label: "Opportunities", ..Default::default() })}
        </RequirePermission>
    }
}

#[component]
pub fn OpportunityPage() -> impl IntoView {
    let id = record::use_record_id();
    let save = ServerAction::<SaveOpportunity>::new();
    let detail = crate::data::data(
        move || (id.get(), save.version().get()),
        |(id, _)| get_opportunity(id),
    );
    let session = crate::auth::SessionResource::get().0;
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let may_edit = session.await.unwrap_or_default().can(Permission::Activities);
                    match detail.await {
                        Ok(o) => page(o, may_edit, save).into_any(),
                        Err(e) => record::failed(e, ("Back to opportunities", "/opportunities")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(
    o: OpportunityDetail,
    may_edit: bool,
    save: ServerAction<SaveOpportunity>,
) -> impl IntoView {
    let title = o.name.clone();
    let badges = view! {
        <span class=format!("badge tone-{}", stage_tone(&o.stage).as_str())>{stage_label(&o.stage)}</span>
    }
    .into_any();
    let budget = o.budget.map(|b| {
        format!(
            "{} {}",
            domain::grid::format_qty(b),
            o.currency.clone().unwrap_or_default()
        )
    });
    let facts = fields(vec![
        ("Channel", o.channel.clone().into_any()),
        (
            "Cart",
            match o.cart {
                Some((id, magento)) => {
                    view! { <a href=format!("/carts/{id}")>{format!("Cart {magento}")}</a> }
                        .into_any()
                }
                None => text(None),
            },
        ),
        (
            "Customer",
            match &o.customer {
                Some((id, name)) => {
                    view! { <a href=format!("/customers/{id}")>{name.clone()}</a> }.into_any()
                }
                None => text(None),
            },
        ),
        ("Owner", text(o.owner.as_ref().map(|(_, n)| n.clone()))),
        ("Budget", text(budget)),
        (
            "Close date",
            text(o.close_on.map(domain::dates::day_month_year)),
        ),
        ("Probability", format!("{}%", o.probability).into_any()),
        (
            "Notes",
            text(Some(o.notes.clone()).filter(|n| !n.is_empty())),
        ),
        ("Created by", text(o.created_by.clone())),
        ("Created", time(&o.created_at)),
        ("Updated", time(&o.updated_at)),
    ]);
    let form = may_edit.then(|| view! { <EditForm o=o.clone() save /> });
    view! {
        <Title text=title.clone() />
        {header(("Opportunities", "/opportunities"), title, badges, ().into_any())}
        <div class="record-body">
            <div class="record-columns">
                {section("Opportunity", facts.into_any())}
                {form.map(|f| section("Move it on", f.into_any()))}
            </div>
        </div>
    }
}

#[component]
fn EditForm(o: OpportunityDetail, save: ServerAction<SaveOpportunity>) -> impl IntoView {
    let id = o.id;
    let name = RwSignal::new(o.name.clone());
    let budget = RwSignal::new(
        o.budget
            .map(|b| b.normalize().to_string())
            .unwrap_or_default(),
    );
    let close_on = RwSignal::new(o.close_on.map(|d| d.to_string()).unwrap_or_default());
    let stage = RwSignal::new(o.stage.clone());
    let probability = RwSignal::new(o.probability.to_string());
    let notes = RwSignal::new(o.notes.clone());
    let error_at = move |field: &'static str| {
        save.value().with(|v| match v {
            Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                Some(view! { <span class="field-error" role="alert">{message.clone()}</span> })
            }
            _ => None,
        })
    };
    let other = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|error| view! { <ErrorMessage error /> })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveOpportunity {
            id,
            form: OpportunityForm {
                name: name.get_untracked(),
                owner: None,
                budget: budget.get_untracked(),
                close_on: close_on.get_untracked(),
                stage: stage.get_untracked(),
                probability: probability.get_untracked(),
                notes: notes.get_untracked(),
            },
        });
    };
    let current = o.stage.clone();
    view! {
        <form class="opportunity-form" on:submit=submit>
            <label class="field"><span>"Name"</span>
                <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                {move || error_at("name")}
            </label>
            <div class="field-grid">
                <label class="field"><span>"Stage"</span>
                    <select name="stage" on:change=move |ev| { stage.set(event_target_value(&ev)); probability.set(String::new()); }>
                        {STAGES.iter().map(|(v, l, _)| view! { <option value=*v selected=*v == current>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"Probability %"</span>
                    <input name="probability" type="text" inputmode="numeric" placeholder="the stage's" prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev)) />
                    {move || error_at("probability")}
                </label>
                <label class="field"><span>"Budget"</span>
                    <input name="budget" type="text" inputmode="decimal" prop:value=move || budget.get() on:input=move |ev| budget.set(event_target_value(&ev)) />
                    {move || error_at("budget")}
                </label>
                <label class="field"><span>"Close date"</span>
                    <input name="close_on" type="date" prop:value=move || close_on.get() on:input=move |ev| close_on.set(event_target_value(&ev)) />
                    {move || error_at("close_on")}
                </label>
            </div>
            <label class="field"><span>"Notes"</span>
                <textarea name="notes" rows="3" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                {move || error_at("notes")}
            </label>
            {other}
            <button type="submit" class="button button-primary" disabled=move || save.pending().get()>"Save"</button>
        </form>
    }
}
