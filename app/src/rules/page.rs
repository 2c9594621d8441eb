//! The rules page: the rules by channel (what each does in a sentence, how often it fired, on
//! and off, delete) and the form for a new one.

use super::api::{
    CreateAutomationRule, DeleteAutomationRule, RulesPage, SetAutomationRuleEnabled,
    list_automation_rules,
};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::AppError;
use domain::Permission;
use domain::rules::{RuleChoices, RuleInput, RuleKind, RuleLine};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AutomationRulesPage() -> impl IntoView {
    let create = ServerAction::<CreateAutomationRule>::new();
    let switch = ServerAction::<SetAutomationRuleEnabled>::new();
    let delete = ServerAction::<DeleteAutomationRule>::new();
    let data = crate::data::data(
        move || {
            (
                create.version().get(),
                switch.version().get(),
                delete.version().get(),
            )
        },
        |_| list_automation_rules(),
    );
    // The form lives beside the list, not inside it: the list reloads after every submit, and
    // a refused rule must keep what the administrator typed.
    let form = RwSignal::new(RuleInput {
        kind: RuleKind::AssignAbandoned.as_str().to_owned(),
        ..Default::default()
    });
    view! {
        <Title text="Automation rules" />
        <div class="page-header"><h1>"Automation rules"</h1></div>
        <RequirePermission permission=Permission::ManageIntegrations>
            <p class="hint">"Rules run after every sync of their channel. A rule acts at most once on a cart or an order, and writes what it did on the record's timeline."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(RulesPage { rules, choices }) => view! {
                            {rule_table(rules, switch, delete)}
                            <NewRule choices create form />
                        }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn rule_table(
    rules: Vec<RuleLine>,
    switch: ServerAction<SetAutomationRuleEnabled>,
    delete: ServerAction<DeleteAutomationRule>,
) -> impl IntoView {
    if rules.is_empty() {
        return view! { <p class="muted">"No rules yet."</p> }.into_any();
    }
    view! {
        <table class="grid-table rules-table">
            <thead><tr><th>"Channel"</th><th>"Rule"</th><th class="numeric">"Fired on"</th><th>"Last fired"</th><th>"State"</th><th></th></tr></thead>
            <tbody>
                {rules.into_iter().map(|r| {
                    let id = r.id;
                    let enabled = r.enabled;
                    view! {
                        <tr data-rule=id class:rule-off=!enabled>
                            <td>{r.channel}</td>
                            <td>{r.description}</td>
                            <td class="numeric">{crate::format::thousands(r.firings)}</td>
                            <td>{r.last_fired_at.map(|t| t.display()).unwrap_or_else(|| "—".into())}</td>
                            <td>{if enabled { "On" } else { "Off" }}</td>
                            <td class="row-actions">
                                <button type="button" class="button"
                                    on:click=move |_| { switch.dispatch(SetAutomationRuleEnabled { id, enabled: !enabled }); }>
                                    {if enabled { "Turn off" } else { "Turn on" }}
                                </button>
                                <button type="button" class="button button-danger"
                                    on:click=move |_| { delete.dispatch(DeleteAutomationRule { id }); }>
                                    "Delete"
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewRule(
    choices: RuleChoices,
    create: ServerAction<CreateAutomationRule>,
    form: RwSignal<RuleInput>,
) -> impl IntoView {
    // No channel chosen yet: the first one, as the select shows.
    if form.with_untracked(|f| !choices.channels.iter().any(|c| c.0 == f.channel_id)) {
        let first = choices.channels.first().map(|c| c.0).unwrap_or_default();
        form.update_untracked(|f| f.channel_id = first);
    }
    let kind = move || form.with(|f| f.kind.parse::<RuleKind>().ok());
    let error_for = move |field: &'static str| {
        move || {
            create.value().with(|v| match v {
                Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                    Some(message.clone())
                }
                _ => None,
            })
        }
    };
    let other_error = move || {
        create.value().with(|v| match v {
            Some(Err(AppError::Invalid { field, .. }))
                if ["kind", "channel", "min_total", "assignee", "after_days"]
                    .contains(&field.as_str()) =>
            {
                None
            }
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateAutomationRule {
            rule: form.get_untracked(),
        });
    };
    let channels = choices.channels.clone();
    let assignees = choices.assignees.clone();
    let field_error = move |field: &'static str| {
        let message = error_for(field);
        move || message().map(|m| view! { <span class="field-error" role="alert">{m}</span> })
    };
    view! {
        <form class="rule-form card" on:submit=submit>
            <h2>"New rule"</h2>
            <label class="field"><span>"Channel"</span>
                <select name="channel" on:change=move |ev| {
                    let v = event_target_value(&ev).parse().unwrap_or_default();
                    form.update(|f| f.channel_id = v);
                }>
                    {channels.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=move || form.with(|f| f.channel_id == id)>{name}</option>
                    }).collect_view()}
                </select>
                {field_error("channel")}
            </label>
            <label class="field"><span>"When"</span>
                <select name="kind" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    form.update(|f| f.kind = v);
                }>
                    {RuleKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || form.with(|f| f.kind == k.as_str())>{k.label()}</option>
                    }).collect_view()}
                </select>
                {field_error("kind")}
            </label>
            <Show when=move || matches!(kind(), Some(RuleKind::AssignAbandoned | RuleKind::FollowUpFirstOrders))>
                <label class="field"><span>"Total at least (empty: any total)"</span>
                    <input name="min_total" type="text" inputmode="decimal"
                        prop:value=move || form.with(|f| f.min_total.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.min_total = v); } />
                    {field_error("min_total")}
                </label>
            </Show>
            <Show when=move || matches!(kind(), Some(RuleKind::AssignAbandoned | RuleKind::FollowUpFirstOrders))>
                <label class="field"><span>"Assign to"</span>
                    <select name="assignee" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| f.assignee = v);
                    }>
                        <option value="" selected=move || form.with(|f| f.assignee.is_empty())>"— choose —"</option>
                        {assignees.clone().into_iter().map(|(value, label)| {
                            let chosen = value.clone();
                            view! {
                                <option value=value selected=move || form.with(|f| f.assignee == chosen)>{label}</option>
                            }
                        }).collect_view()}
                    </select>
                    {field_error("assignee")}
                </label>
            </Show>
            <Show when=move || kind() == Some(RuleKind::LoseUncontacted)>
                <label class="field"><span>"Days without a contact"</span>
                    <input name="after_days" type="text" inputmode="numeric"
                        prop:value=move || form.with(|f| f.after_days.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.after_days = v); } />
                    {field_error("after_days")}
                </label>
            </Show>
            {move || other_error().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Add rule"</button>
        </form>
    }
}
