//! "My tasks" (`/tasks`): the signed-in user's open tasks, overdue first, then due today, then
//! upcoming, each linked to its record, with "Done".

use super::api::{SetTaskDone, get_my_tasks};
use super::tab::activity_item;
use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::Permission;
use domain::activities::ActivityView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyTasksPage() -> impl IntoView {
    let done = ServerAction::<SetTaskDone>::new();
    let tasks = crate::data::data(move || done.version().get(), |_| get_my_tasks());
    let session = SessionResource::get().0;
    view! {
        <Title text="My tasks" />
        <div class="page-header"><h1>"My tasks"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let may_close = session.await.unwrap_or_default().can(Permission::Activities);
                    match tasks.await {
                        Ok(t) if t.is_empty() => view! {
                            <p class="card empty-state">"No open task is assigned to you. Tasks are created from a record's Activities tab."</p>
                        }.into_any(),
                        Ok(t) => view! {
                            <div class="my-tasks">
                                {group("Overdue", "overdue", t.overdue, may_close, done)}
                                {group("Due today", "today", t.today, may_close, done)}
                                {group("Upcoming", "upcoming", t.upcoming, may_close, done)}
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn group(
    title: &'static str,
    key: &'static str,
    tasks: Vec<ActivityView>,
    may_close: bool,
    done: ServerAction<SetTaskDone>,
) -> impl IntoView {
    let items = tasks
        .iter()
        .map(|t| {
            let id = t.id;
            view! {
                <div class="task-row">
                    {activity_item(t, true)}
                    <div class="task-actions">
                        {may_close.then(|| view! {
                            <ActionForm action=done attr:class="inline-form">
                                <input type="hidden" name="task" value=id.to_string() />
                                <input type="hidden" name="done" value="true" />
                                <button type="submit" class="button">"Done"</button>
                            </ActionForm>
                        })}
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card record-section" data-group=key>
            <h2>{format!("{title} ({})", tasks.len())}</h2>
            <ol class="timeline">{items}</ol>
        </section>
    }
}
