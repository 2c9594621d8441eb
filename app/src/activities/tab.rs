//! A record's Activities tab: log a call, an email, a note or a task, and the list, newest
//! first. The page creates the data with its own (see `timeline_data` for why) and awaits it.

use super::api::{ActivitiesTab, LogActivity};
use crate::components::error::ErrorMessage;
use domain::AppError;
use domain::activities::{
    ActivityKind, ActivityRecord, ActivityView, Direction, NewActivity, Priority,
};
use leptos::prelude::*;

pub type Activities = Result<ActivitiesTab, AppError>;

/// The activities of the record `make(id)`, loaded while the page shows its Activities tab and
/// again when `version` moves (after something was logged).
pub fn activities_data(
    make: fn(i64) -> ActivityRecord,
    id: Memo<i64>,
    shown: impl Fn() -> bool + Send + Sync + 'static,
    version: impl Fn() -> usize + Send + Sync + 'static,
) -> crate::data::Data<Activities> {
    crate::data::data(
        move || (id.get(), shown(), version()),
        move |(id, shown, _)| async move {
            if shown {
                super::api::list_activities(make(id)).await
            } else {
                Ok(ActivitiesTab::default())
            }
        },
    )
}

/// One activity in the list.
pub fn activity_item(a: &ActivityView, with_record: bool) -> impl IntoView + use<> {
    let when = a
        .created_at
        .as_ref()
        .map(|t| t.display())
        .unwrap_or_default();
    let who = a.author.clone().unwrap_or_else(|| "someone".into());
    let record = with_record.then(|| {
        view! { <a class="activity-record" href=a.record.href()>{a.record_label.clone()}</a> }
    });
    let assignee = a
        .assignee
        .clone()
        .map(|n| view! { <span class="muted">{format!(" · for {n}")}</span> });
    let done = match (&a.done_at, &a.cancelled_reason) {
        (Some(_), Some(why)) => Some(view! { <span class="badge tone-neutral" title=why.clone()>{format!("Closed: {why}")}</span> }.into_any()),
        (Some(t), None) => Some(view! { <span class="badge tone-success">{format!("Done {}", t.display())}</span> }.into_any()),
        _ => None,
    };
    view! {
        <li class="timeline-item activity-item" data-kind=a.kind.as_str()>
            <div class="timeline-head">
                <strong>{a.headline()}</strong>
                {done}
                <span class="muted">{format!(" · {when} · {who}")}</span>
                {assignee}
            </div>
            <div class="activity-body">
                {record}
                {(!a.subject.is_empty()).then(|| view! { <p class="activity-subject">{a.subject.clone()}</p> })}
                {(!a.body.is_empty()).then(|| view! { <p class="activity-note">{a.body.clone()}</p> })}
            </div>
        </li>
    }
}

/// A store action or a sync event on the timeline.
fn event_item(e: &domain::activities::TimelineEvent) -> impl IntoView + use<> {
    let source = if e.source == "store_action" {
        "Store action"
    } else {
        "Sync"
    };
    view! {
        <li class="timeline-item timeline-event" data-source=e.source.clone()>
            <div class="timeline-head">
                <span class=format!("badge tone-{}", e.tone)>{source}</span>
                " "
                <strong>{e.title.clone()}</strong>
                <span class="muted">{format!(" · {}", e.at.display())}</span>
            </div>
            {(!e.detail.is_empty()).then(|| view! { <p class="activity-note muted">{e.detail.clone()}</p> })}
        </li>
    }
}

/// The tab: the form (for those who may log) and the list.
pub fn activities_view(
    tab: Activities,
    record: ActivityRecord,
    may_log: bool,
    logged: RwSignal<usize>,
) -> AnyView {
    let tab = match tab {
        Ok(tab) => tab,
        Err(error) => return view! { <ErrorMessage error /> }.into_any(),
    };
    let empty = tab.items.is_empty().then(|| {
        view! { <p class="muted">"No call, email, note or task on this record yet."</p> }
    });
    let lines = domain::activities::merge_timeline(&tab.items, &tab.events)
        .into_iter()
        .map(|line| match line {
            domain::activities::TimelineLine::Activity(a) => activity_item(a, false).into_any(),
            domain::activities::TimelineLine::Event(e) => event_item(e).into_any(),
        })
        .collect_view();
    let list = view! {
        {empty}
        <ol class="timeline activities">{lines}</ol>
    }
    .into_any();
    let form = may_log
        .then(|| view! { <LogForm record assignees=tab.assignees.clone() me=tab.me logged /> });
    view! {
        <section class="card record-section">
            <h2>"Activities and timeline"</h2>
            <div class="activities-body">
                {form}
                {list}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn LogForm(
    record: ActivityRecord,
    assignees: Vec<(i64, String)>,
    me: i64,
    logged: RwSignal<usize>,
) -> impl IntoView {
    let log = ServerAction::<LogActivity>::new();
    let kind = RwSignal::new(ActivityKind::Call);
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let direction = RwSignal::new(Direction::Outbound);
    let outcome = RwSignal::new(String::new());
    let duration = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let assignee = RwSignal::new(me);
    let priority = RwSignal::new(Priority::Normal);
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match log.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            subject.set(String::new());
            body.set(String::new());
            outcome.set(String::new());
            duration.set(String::new());
            due.set(String::new());
            logged.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let error_at = move |field: &'static str| {
        error.with(|e| match e {
            Some(AppError::Invalid { field: f, message }) if f == field => Some(message.clone()),
            _ => None,
        })
    };
    let other_error = move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|error| view! { <ErrorMessage error /> })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get_untracked();
        let duration_mins = duration.get_untracked().trim().parse::<i32>().ok();
        if k == ActivityKind::Call
            && !duration.get_untracked().trim().is_empty()
            && duration_mins.is_none()
        {
            error.set(Some(AppError::invalid(
                "duration",
                "Enter the duration in minutes.",
            )));
            return;
        }
        log.dispatch(LogActivity {
            record,
            activity: NewActivity {
                kind: Some(k),
                subject: subject.get_untracked(),
                body: body.get_untracked(),
                direction: direction.get_untracked(),
                outcome: outcome.get_untracked(),
                duration_mins,
                due: due.get_untracked(),
                assignee: Some(assignee.get_untracked()),
                priority: priority.get_untracked(),
            },
        });
    };
    let kinds = ActivityKind::LOGGABLE.map(|k| {
        view! {
            <label class="radio">
                <input type="radio" name="activity_kind" value=k.as_str()
                    prop:checked=move || kind.get() == k on:change=move |_| kind.set(k) />
                {match k { ActivityKind::Call => "Log a call", ActivityKind::Email => "Log an email", ActivityKind::Note => "Write a note", ActivityKind::Task => "Create a task", ActivityKind::Event => "" }}
            </label>
        }
    });
    let assignees = StoredValue::new(assignees);
    view! {
        <form class="activity-form" on:submit=submit>
            <div class="activity-kinds">{kinds.into_iter().collect_view()}</div>
            <div class="field-grid">
                <label class="field">
                    <span>{move || if kind.get() == ActivityKind::Task { "Task" } else { "Subject" }}</span>
                    <input name="subject" type="text" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev)) />
                    {move || error_at("subject").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                </label>
                <div class="activity-call-fields" class:hidden=move || !matches!(kind.get(), ActivityKind::Call | ActivityKind::Email)>
                    <label class="field">
                        <span>"Direction"</span>
                        <select name="direction" prop:value=move || direction.get().as_str()
                            on:change=move |ev| direction.set(if event_target_value(&ev) == "inbound" { Direction::Inbound } else { Direction::Outbound })>
                            <option value="outbound">"Outbound"</option>
                            <option value="inbound">"Inbound"</option>
                        </select>
                    </label>
                </div>
                <div class="activity-call-fields" class:hidden=move || kind.get() != ActivityKind::Call>
                    <label class="field">
                        <span>"Outcome"</span>
                        <input name="outcome" type="text" placeholder="reached, voicemail, no answer…" prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev)) />
                        {move || error_at("outcome").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                    <label class="field">
                        <span>"Duration (minutes)"</span>
                        <input name="duration" type="text" inputmode="numeric" prop:value=move || duration.get() on:input=move |ev| duration.set(event_target_value(&ev)) />
                        {move || error_at("duration").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                </div>
                <div class="activity-task-fields" class:hidden=move || kind.get() != ActivityKind::Task>
                    <label class="field">
                        <span>"Due"</span>
                        <input name="due" type="date" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev)) />
                        {move || error_at("due").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                    <label class="field">
                        <span>"For"</span>
                        <select name="assignee" prop:value=move || assignee.get().to_string()
                            on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { assignee.set(v) }>
                            {assignees.with_value(|list| list.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view())}
                        </select>
                        {move || error_at("assignee").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                    </label>
                    <label class="field">
                        <span>"Priority"</span>
                        <select name="priority" prop:value=move || priority.get().as_str()
                            on:change=move |ev| priority.set(Priority::parse(&event_target_value(&ev)).unwrap_or_default())>
                            <option value="low">"Low"</option>
                            <option value="normal">"Normal"</option>
                            <option value="high">"High"</option>
                        </select>
                    </label>
                </div>
            </div>
            <label class="field">
                <span>"Note"</span>
                <textarea name="body" rows="3" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                {move || error_at("body").map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </label>
            {other_error}
            <button type="submit" class="button button-primary" disabled=move || log.pending().get()>
                {move || if log.pending().get() { "Saving…" } else { "Save" }}
            </button>
        </form>
    }
}

/// What a record page hands its Activities tab: the loaded data, whether the user may log, and
/// the counter the form bumps to reload it.
pub struct ActivityTab {
    pub data: Activities,
    pub may_log: bool,
    pub logged: RwSignal<usize>,
}

impl ActivityTab {
    pub fn view(self, record: ActivityRecord) -> AnyView {
        activities_view(self.data, record, self.may_log, self.logged)
    }
}
