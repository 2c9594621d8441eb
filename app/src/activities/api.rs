//! Activities' server functions: logging needs `Activities` (Administrator, Sales); reading a
//! record's activities and one's own tasks needs `ReadData`.

use domain::AppError;
use domain::activities::{ActivityRecord, ActivityView, MyTasks, NewActivity, TimelineEvent};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

/// A record's Activities tab: its activities, newest first, and whom a task may go to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesTab {
    pub items: Vec<ActivityView>,
    /// Store actions on the record and what the sync saw of it, merged with `items` on screen.
    pub events: Vec<TimelineEvent>,
    pub assignees: Vec<(i64, String)>,
    /// The signed-in user (a new task's default assignee).
    pub me: i64,
}

#[server(input = GetUrl, output = Postcard, endpoint = "list_activities")]
pub async fn list_activities(record: ActivityRecord) -> Result<ActivitiesTab, AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let items = crate::grids::server::answer(store::activities::list(&pool, record, tz).await)?;
    let mut events =
        crate::grids::server::answer(store::activities::sync_events(&pool, record, tz).await)?;
    events.extend(store_action_events(&pool, record, tz).await?);
    let assignees = if user.can(domain::Permission::Activities) {
        crate::grids::server::answer(store::activities::assignees(&pool).await)?
    } else {
        Vec::new()
    };
    Ok(ActivitiesTab {
        items,
        events,
        assignees,
        me: user.id,
    })
}

/// The store actions on a record, as timeline events (accounts have none of their own).
#[cfg(feature = "ssr")]
async fn store_action_events(
    pool: &store::PgPool,
    record: ActivityRecord,
    tz: store::grid::Tz,
) -> Result<Vec<TimelineEvent>, AppError> {
    use domain::Entity;
    use domain::actions::ActionState;
    let entity = match record {
        ActivityRecord::Customer(_) => Entity::Customers,
        ActivityRecord::Cart(_) => Entity::Carts,
        ActivityRecord::Order(_) => Entity::Orders,
        ActivityRecord::Account(_) => return Ok(Vec::new()),
    };
    let filter = store::store_actions::ActionFilter {
        record: Some((entity, record.id())),
        ..Default::default()
    };
    let (rows, _) =
        crate::grids::server::answer(store::store_actions::list(pool, &filter, 100, 0, tz).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            Some(TimelineEvent {
                at: a.finished_at.clone().or(a.created_at.clone())?,
                source: "store_action".into(),
                title: format!("{} · {}", a.kind.label(), a.state.label()),
                detail: [a.requested_by.map(|u| format!("by {u}")), a.rendered]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                tone: match a.state {
                    ActionState::Done => "success",
                    ActionState::Failed => "danger",
                    ActionState::Unknown => "warning",
                    _ => "info",
                }
                .into(),
            })
        })
        .collect())
}

/// Logs a call, an email, a note or a task on a record.
#[server(input = Json, output = Postcard, endpoint = "log_activity")]
pub async fn log_activity(record: ActivityRecord, activity: NewActivity) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let pool = crate::server::pool()?;
    let today = super::server::today();
    let id = crate::grids::server::answer(
        store::activities::create(&pool, record, user.id, &activity, today).await,
    )?;
    tracing::info!(by = user.id, activity = id, kind = ?activity.kind, "activity logged");
    Ok(id)
}

/// The signed-in user's open tasks: overdue, due today, upcoming (in the user's day).
#[server(input = GetUrl, output = Postcard, endpoint = "get_my_tasks")]
pub async fn get_my_tasks() -> Result<MyTasks, AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let open =
        crate::grids::server::answer(store::activities::open_tasks(&pool, user.id, tz).await)?;
    Ok(MyTasks::split(open, super::server::today()))
}

/// Closes a task (or opens it again).
#[server(output = Postcard, endpoint = "set_task_done")]
pub async fn set_task_done(task: i64, done: bool) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let pool = crate::server::pool()?;
    let admin = user.role == domain::Role::Administrator;
    crate::grids::server::answer(
        store::activities::set_done(&pool, task, user.id, admin, done).await,
    )
}
