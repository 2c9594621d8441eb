//! Server functions of the integrations console. Every one requires the integrations
//! permission (Administrators).

use domain::channel::{ConnectionCheck, ConnectionInput};
use domain::sync::JobSummary;
use domain::{AppError, ChannelSettings, ChannelSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use serde::{Deserialize, Serialize};

/// A channel with what the console lists beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelOverview {
    pub channel: ChannelSummary,
    /// Records per entity (entity name, count).
    pub records: Vec<(String, i64)>,
    pub open_errors: i64,
    /// The newest job (running, queued or finished).
    pub latest_job: Option<JobSummary>,
    /// When the last successful sync finished, in the user's zone, with its age.
    pub last_success: Option<String>,
    /// How old the synced data may be: time since the last successful sync started.
    pub lag: Option<String>,
    /// When the next scheduled sync is due.
    pub next_sync: Option<String>,
}

/// A job of the history with its start time in the user's zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub job: JobSummary,
    pub started: Option<String>,
}

/// The wizard's whole form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelForm {
    pub settings: ChannelSettings,
    pub connection: ConnectionInput,
}

/// One entry of the error log, as the channel page shows it.
pub use super::types::SyncErrorView;

/// Every channel with its counts, open errors and latest job.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_channels")]
pub async fn list_channels() -> Result<Vec<ChannelOverview>, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let pool = crate::server::pool()?;
    let errors: std::collections::HashMap<i64, i64> = store::sync_errors::open_counts(&pool)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for channel in store::channels::list(&pool).await? {
        let open_errors = errors.get(&channel.id).copied().unwrap_or(0);
        out.push(super::server::overview(&pool, channel, open_errors).await?);
    }
    Ok(out)
}

/// One channel with its counts, open errors and latest job.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_channel")]
pub async fn get_channel(id: i64) -> Result<ChannelOverview, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let pool = crate::server::pool()?;
    let channel = store::channels::get(&pool, id).await?;
    let open_errors = store::sync_errors::list(&pool, id, None, true, 1, 0)
        .await?
        .1;
    super::server::overview(&pool, channel, open_errors).await
}

/// Calls the store with the typed connection settings and reports what it found, or precisely
/// why it failed. Blank secrets of an edited channel are taken from the stored ones.
#[server(input = Json, output = leptos::server_fn::codec::Postcard, endpoint = "check_connection")]
pub async fn check_connection(connection: ConnectionInput) -> Result<ConnectionCheck, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    super::server::check(&connection).await
}

/// Creates a channel and starts its first sync. Returns its id.
#[server(input = Json, output = leptos::server_fn::codec::Postcard, endpoint = "create_channel")]
pub async fn create_channel(form: ChannelForm) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    super::server::create(form, user.id).await
}

/// Saves an edited channel. Blank secrets keep the stored ones.
#[server(input = Json, output = leptos::server_fn::codec::Postcard, endpoint = "update_channel")]
pub async fn update_channel(id: i64, form: ChannelForm) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    super::server::update(id, form, user.id).await
}

/// Queues a sync now (`full`: re-read everything since the start date).
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "sync_channel_now")]
pub async fn sync_channel_now(id: i64, full: bool) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let kind = if full {
        domain::sync::JobKind::Full
    } else {
        domain::sync::JobKind::Sync
    };
    let pool = crate::server::pool()?;
    let channel = store::channels::get(&pool, id).await?;
    if !channel.is_active {
        return Err(AppError::Conflict(
            "This channel is deactivated: activate it to sync.".into(),
        ));
    }
    Ok(store::jobs::enqueue(
        &pool,
        id,
        kind,
        domain::sync::JobTrigger::Manual,
        Some(user.id),
    )
    .await?)
}

/// Asks the running (or queued) sync of a channel to stop after its current page.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "cancel_channel_sync")]
pub async fn cancel_channel_sync(id: i64) -> Result<bool, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    Ok(store::jobs::request_cancel(&crate::server::pool()?, id).await?)
}

/// Deactivates (scheduled syncs stop; data stays) or activates a channel.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "set_channel_active")]
pub async fn set_channel_active(id: i64, active: bool) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let pool = crate::server::pool()?;
    store::channels::set_active(&pool, id, active).await?;
    if !active {
        store::jobs::request_cancel(&pool, id).await?;
    }
    tracing::info!(
        by = user.id,
        channel = id,
        active,
        "channel activation changed"
    );
    Ok(())
}

/// Deletes a channel and its synced records; CRM accounts stay.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "delete_channel")]
pub async fn delete_channel(id: i64) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let pool = crate::server::pool()?;
    store::jobs::request_cancel(&pool, id).await?;
    store::channels::delete(&pool, id).await?;
    tracing::info!(by = user.id, channel = id, "channel deleted");
    Ok(())
}

/// A page of a channel's sync history, newest first, with the total.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "channel_jobs")]
pub async fn channel_jobs(id: i64, page: i64) -> Result<(Vec<JobView>, i64), AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let offset = super::page_offset(page, super::JOBS_PER_PAGE)?;
    let (jobs, total) =
        store::jobs::history(&crate::server::pool()?, id, super::JOBS_PER_PAGE, offset).await?;
    let jobs = jobs
        .into_iter()
        .map(|job| JobView {
            started: job.started_at.map(crate::format::server::datetime),
            job,
        })
        .collect();
    Ok((jobs, total))
}

/// A page of a channel's error log (open errors), optionally for one entity, with the total.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "channel_errors")]
pub async fn channel_errors(
    id: i64,
    entity: Option<String>,
    page: i64,
) -> Result<(Vec<SyncErrorView>, i64), AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let entity = match entity.as_deref().filter(|e| !e.is_empty()) {
        Some(e) => Some(
            e.parse::<domain::Entity>()
                .map_err(|m| AppError::invalid("entity", m))?,
        ),
        None => None,
    };
    let offset = super::page_offset(page, super::ERRORS_PER_PAGE)?;
    let (rows, total) = store::sync_errors::list(
        &crate::server::pool()?,
        id,
        entity,
        true,
        super::ERRORS_PER_PAGE,
        offset,
    )
    .await?;
    Ok((rows.into_iter().map(SyncErrorView::from).collect(), total))
}

/// The channel's live state (status and newest job): the fallback of the progress stream.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "channel_live")]
pub async fn channel_live(id: i64) -> Result<super::types::ChannelLive, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    super::server::live_state(&crate::server::pool()?, id).await
}

/// Retries failed records: one now (by its error id, answered at once), or all (a job).
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "retry_sync_errors")]
pub async fn retry_sync_errors(id: i64, error_id: Option<i64>) -> Result<String, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    super::server::retry(id, error_id, user.id).await
}
