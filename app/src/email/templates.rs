//! Marketing › Email templates: the follow-up emails reps send from a cart, with the
//! placeholders they may use (checked when saved: an unknown one is refused by name).

use super::api::{DeleteEmailTemplate, EmailTemplate, SaveEmailTemplate, list_email_templates};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::AppError;
use domain::Permission;
use domain::email_template::{PLACEHOLDERS, TemplateInput};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EmailTemplatesPage() -> impl IntoView {
    let save = ServerAction::<SaveEmailTemplate>::new();
    let delete = ServerAction::<DeleteEmailTemplate>::new();
    let templates = crate::data::data(
        move || (save.version().get(), delete.version().get()),
        |_| list_email_templates(),
    );
    // The template being edited (None: a new one) and the form's fields.
    let editing = RwSignal::new(None::<i64>);
    let form = RwSignal::new(TemplateInput::default());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
            form.set(TemplateInput::default());
        }
    });
    let field_error = move |field: &'static str| {
        move || {
            save.value().with(|v| match v {
                Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                    Some(view! { <span class="field-error" role="alert">{message.clone()}</span> })
                }
                _ => None,
            })
        }
    };
    let other_error = move || {
        save.value().with(|v| match v {
            Some(Err(AppError::Invalid { field, .. }))
                if ["name", "subject", "body"].contains(&field.as_str()) =>
            {
                None
            }
            Some(Err(e)) => Some(view! { <ErrorMessage error=e.clone() /> }),
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveEmailTemplate {
            id: editing.get_untracked(),
            template: form.get_untracked(),
        });
    };
    let edit = move |t: &EmailTemplate| {
        editing.set(Some(t.id));
        form.set(TemplateInput {
            name: t.name.clone(),
            subject: t.subject.clone(),
            body: t.body.clone(),
        });
    };
    view! {
        <Title text="Email templates" />
        <div class="page-header"><h1>"Email templates"</h1></div>
        <RequirePermission permission=Permission::ManageLists>
            <p class="hint">"Reps send these from a cart's Follow-up tab when this installation has SMTP settings. Placeholders are filled in from the cart when it is sent."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match templates.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(list) => view! {
                            <table class="grid-table templates-table">
                                <thead><tr><th>"Template"</th><th>"Subject"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| {
                                        let id = t.id;
                                        view! {
                                            <tr data-template=id>
                                                <td>{t.name.clone()}</td>
                                                <td>{t.subject.clone()}</td>
                                                <td class="row-actions">
                                                    <button type="button" class="button" on:click=move |_| edit(&t)>"Edit"</button>
                                                    <button type="button" class="button button-danger" on:click=move |_| { delete.dispatch(DeleteEmailTemplate { id }); }>"Delete"</button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <form class="card template-form" on:submit=submit>
                <h2>{move || if editing.get().is_some() { "Edit template" } else { "New template" }}</h2>
                <label class="field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.name = v); } />
                    {field_error("name")}
                </label>
                <label class="field"><span>"Subject"</span>
                    <input name="subject" type="text" prop:value=move || form.with(|f| f.subject.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.subject = v); } />
                    {field_error("subject")}
                </label>
                <label class="field"><span>"Body (plain text)"</span>
                    <textarea name="body" rows="10" prop:value=move || form.with(|f| f.body.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.body = v); }></textarea>
                    {field_error("body")}
                </label>
                {other_error}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || save.pending().get()>"Save template"</button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="button" on:click=move |_| { editing.set(None); form.set(TemplateInput::default()); }>"Cancel"</button>
                    </Show>
                </div>
                <details class="placeholders">
                    <summary>"Placeholders"</summary>
                    <dl>
                        {PLACEHOLDERS.iter().map(|(name, what)| view! {
                            <dt><code>{format!("{{{{{name}}}}}")}</code></dt><dd>{*what}</dd>
                        }).collect_view()}
                    </dl>
                </details>
            </form>
        </RequirePermission>
    }
}
