//! Activities' server functions: logging needs `Activities` (Administrator, Sales); reading a
//! record's activities and one's own tasks needs `ReadData`.

use domain::AppError;
use domain::activities::{ActivityRecord, ActivityView, MyTasks, NewActivity};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

/// A record's Activities tab: its activities, newest first, and whom a task may go to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesTab {
    pub items: Vec<ActivityView>,
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
    let assignees = if user.can(domain::Permission::Activities) {
        crate::grids::server::answer(store::activities::assignees(&pool).await)?
    } else {
        Vec::new()
    };
    Ok(ActivitiesTab {
        items,
        assignees,
        me: user.id,
    })
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
