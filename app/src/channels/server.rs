//! Server-side work of the console: connection checks, saving channels, retries and the live
//! progress stream.

use super::api::ChannelForm;
use super::types::ChannelLive;
use crate::auth::server::RequestSession;
use crate::server::AppState;
use domain::channel::{
    CheckFailure, ConnectionCheck, ConnectionInput, StoreScope, normalise_store_url,
};
use domain::sync::{JobKind, JobTrigger};
use domain::{AppError, Credentials, Entity, Permission};
use std::time::Duration;
use sync::connect::ClientOptions;

/// A quick answer for the wizard: short timeouts, no retries.
fn check_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(15),
        connect_timeout: Duration::from_secs(8),
        max_concurrent_requests: 4,
        retry: magento::RetryPolicy {
            max_attempts: 1,
            ..magento::RetryPolicy::default()
        },
    }
}

/// The credentials to use against `url`: the typed ones, or the stored ones of the channel
/// being edited, and those only when `url` is on the origin they were entered for (the channel's
/// stored address) and checked as they were (not without the certificate check they were
/// entered with). Whatever id the request names, stored secrets go nowhere else.
async fn credentials_for(connection: &ConnectionInput, url: &str) -> Result<Credentials, AppError> {
    if let Some(c) = connection.credentials()? {
        return Ok(c);
    }
    let id = connection
        .channel_id
        .ok_or_else(|| AppError::invalid("token", "Enter the credentials."))?;
    let stored =
        store::channels::for_sync(&crate::server::pool()?, &crate::server::cipher()?, id).await?;
    if !store::channels::same_origin(url, &stored.summary.settings.store_url) {
        return Err(AppError::invalid(
            "credentials",
            store::channels::HOST_CHANGED,
        ));
    }
    if store::channels::certificate_check_dropped(
        stored.summary.settings.verify_tls,
        connection.verify_tls,
        url,
    ) {
        return Err(AppError::invalid(
            "credentials",
            store::channels::TLS_CHECK_OFF,
        ));
    }
    if Some(stored.credentials.kind()) != connection.auth_kind {
        return Err(AppError::invalid(
            "auth_kind",
            "You chose another sign-in method: enter its credentials (the stored ones are for the previous method).",
        ));
    }
    Ok(stored.credentials)
}

fn failure(kind: CheckFailure, message: impl Into<String>) -> ConnectionCheck {
    ConnectionCheck {
        failure: Some(kind),
        message: message.into(),
        rest_root: None,
        magento_version: None,
        websites: vec![],
        store_groups: vec![],
        store_views: vec![],
        subscriber_route: None,
        clock_skew_seconds: None,
    }
}

/// Sorts a client error into the reasons the wizard explains.
pub fn classify(error: &magento::Error) -> CheckFailure {
    use magento::{ConnectionKind, Error as E};
    match error {
        E::InvalidConfig(_) => CheckFailure::InvalidUrl,
        E::Connection {
            kind: ConnectionKind::Dns,
            ..
        } => CheckFailure::Dns,
        E::Connection {
            kind: ConnectionKind::Tls,
            ..
        } => CheckFailure::Tls,
        E::Connection {
            kind: ConnectionKind::Refused,
            ..
        } => CheckFailure::Refused,
        E::Timeout { .. } => CheckFailure::Timeout,
        E::Unauthorized { .. } => CheckFailure::AccessRejected,
        E::MissingPermission { .. } => CheckFailure::MissingPermission,
        E::InvalidCredentials { .. } => CheckFailure::InvalidCredentials,
        E::TwoFactorRequired { .. } => CheckFailure::TwoFactorRequired,
        E::RouteNotFound { .. } | E::NotMagento { .. } | E::NotFound { .. } => {
            CheckFailure::NotMagento
        }
        _ => CheckFailure::StoreError,
    }
}

/// A headline for each failure; the client's message follows with the details.
fn headline(kind: CheckFailure) -> &'static str {
    match kind {
        CheckFailure::InvalidUrl => "The store address is not valid.",
        CheckFailure::Dns => "Cannot resolve the store's host name.",
        CheckFailure::Tls => "TLS failure: the store's certificate was not accepted.",
        CheckFailure::Refused => "The connection was refused.",
        CheckFailure::Timeout => "The store did not answer in time.",
        CheckFailure::AccessRejected => "Access rejected (401): the credentials were not accepted.",
        CheckFailure::MissingPermission => "Missing permission (401).",
        CheckFailure::InvalidCredentials => "The admin username or password was rejected.",
        CheckFailure::TwoFactorRequired => "Two-factor authentication is required for admin users.",
        CheckFailure::NotMagento => "Not a Magento REST API (404).",
        CheckFailure::StoreError => "The store answered with an error.",
    }
}

fn scope_of(
    id: Option<i64>,
    code: &Option<String>,
    name: &Option<String>,
    website: Option<i64>,
) -> Option<StoreScope> {
    let id = id?;
    // Id 0 is Magento's admin website/store: never a sync scope.
    (id != 0).then(|| StoreScope {
        id,
        code: code.clone().unwrap_or_default(),
        name: name.clone().unwrap_or_default(),
        website_id: website,
    })
}

/// Calls the store and reports websites, stores and the subscriber route, or why it failed.
pub async fn check(connection: &ConnectionInput) -> Result<ConnectionCheck, AppError> {
    let url = match normalise_store_url(&connection.store_url) {
        Ok(u) => u,
        Err(e) => return Ok(failure(CheckFailure::InvalidUrl, e.to_string())),
    };
    let credentials = credentials_for(connection, &url).await?;
    let client =
        match sync::connect::client(&url, connection.verify_tls, &credentials, &check_options()) {
            Ok(c) => c,
            Err(e) => {
                return Ok(failure(
                    classify(&e),
                    format!("{} {e}", headline(classify(&e))),
                ));
            }
        };
    match client.check_connection().await {
        Ok(report) => {
            if let Some(missing) = missing_entity_permissions(&client).await {
                return Ok(missing);
            }
            let subscriber_route = match &report.subscriber_route {
                magento::SubscriberRoute::Available => "available",
                magento::SubscriberRoute::Missing => "missing",
                magento::SubscriberRoute::Forbidden { .. } => "forbidden",
            };
            let websites: Vec<StoreScope> = report
                .websites
                .iter()
                .filter_map(|w| scope_of(w.id, &w.code, &w.name, None))
                .collect();
            let store_views: Vec<StoreScope> = report
                .store_views
                .iter()
                .filter_map(|s| scope_of(s.id, &s.code, &s.name, s.website_id))
                .collect();
            Ok(ConnectionCheck {
                failure: None,
                message: format!(
                    "Connected: {} website(s), {} store view(s).",
                    websites.len(),
                    store_views.len()
                ),
                rest_root: Some(report.rest_root.clone()),
                magento_version: report.magento_version.clone(),
                store_groups: report
                    .store_groups
                    .iter()
                    .filter_map(|g| scope_of(g.id, &g.code, &g.name, g.website_id))
                    .collect(),
                websites,
                store_views,
                subscriber_route: Some(subscriber_route.to_string()),
                clock_skew_seconds: report.clock_skew_seconds,
            })
        }
        Err(e) => {
            let mut kind = classify(&e);
            // Magento answers an unknown token with the same "%resources" 401 as a missing
            // permission. If a route needing another resource is refused too, the token itself
            // is rejected.
            if kind == CheckFailure::MissingPermission
                && matches!(
                    probe(&client, "customers/search").await,
                    Err(magento::Error::MissingPermission { .. }
                        | magento::Error::Unauthorized { .. })
                )
            {
                kind = CheckFailure::AccessRejected;
                return Ok(failure(
                    kind,
                    format!(
                        "{} Magento refuses this token for every resource: check that it is copied whole, that the integration is active, and (for an integration's access token used as a Bearer token) that “Allow OAuth Access Tokens to be used as standalone Bearer tokens” is on, or use the OAuth method.",
                        headline(kind)
                    ),
                ));
            }
            Ok(failure(kind, format!("{} {e}", headline(kind))))
        }
    }
}

/// A one-record request to a search route, to test its permission.
async fn probe(client: &magento::Client, path: &str) -> Result<(), magento::Error> {
    let criteria = magento::SearchCriteria::new()
        .page_size(1)
        .current_page(1)
        .fields("total_count");
    client
        .search::<serde_json::Value>(path, &criteria)
        .await
        .map(|_| ())
}

/// Checks that the credentials may read every entity the CRM syncs; names what is missing.
async fn missing_entity_permissions(client: &magento::Client) -> Option<ConnectionCheck> {
    let routes = [
        ("customers/search", "customers"),
        ("carts/search", "shopping carts"),
        ("orders", "orders"),
        ("creditmemos", "credit memos"),
    ];
    let mut missing = Vec::new();
    for (path, what) in routes {
        if let Err(magento::Error::MissingPermission { resources, .. }) = probe(client, path).await
        {
            missing.push(format!("{} ({what})", resources.join(", ")));
        }
    }
    (!missing.is_empty()).then(|| {
        failure(
            CheckFailure::MissingPermission,
            format!(
                "{} The store was reached, but the credentials may not read: {}. Grant these resources to the integration (System › Extensions › Integrations › API) and activate it again.",
                headline(CheckFailure::MissingPermission),
                missing.join("; ")
            ),
        )
    })
}

pub async fn create(form: ChannelForm, user_id: i64) -> Result<i64, AppError> {
    let mut settings = form.settings;
    settings.validate()?;
    let credentials = form
        .connection
        .credentials()?
        .ok_or_else(|| AppError::invalid("token", "Enter the credentials."))?;
    let pool = crate::server::pool()?;
    let id = store::channels::create(
        &pool,
        &crate::server::cipher()?,
        &settings,
        &credentials,
        false,
    )
    .await?;
    store::jobs::enqueue(&pool, id, JobKind::Sync, JobTrigger::Setup, Some(user_id)).await?;
    tracing::info!(
        by = user_id,
        channel = id,
        "channel created; first sync queued"
    );
    Ok(id)
}

pub async fn update(id: i64, form: ChannelForm, user_id: i64) -> Result<(), AppError> {
    let mut settings = form.settings;
    settings.validate()?;
    let mut connection = form.connection;
    connection.channel_id = Some(id);
    let credentials = connection.credentials()?;
    let pool = crate::server::pool()?;
    let before = store::channels::get(&pool, id).await?;
    if credentials.is_none() && connection.auth_kind != Some(before.auth_kind) {
        return Err(AppError::invalid(
            "auth_kind",
            "Enter the credentials for the new sign-in method.",
        ));
    }
    store::channels::update(
        &pool,
        &crate::server::cipher()?,
        id,
        &settings,
        credentials.as_ref(),
    )
    .await?;
    // New credentials (or settings) deserve a fresh try at once, e.g. after "access rejected".
    if credentials.is_some() || before.status == domain::ChannelStatus::AccessRejected {
        store::channels::set_status(&pool, id, domain::ChannelStatus::Idle, None).await?;
    }
    if before.is_active {
        store::jobs::enqueue(&pool, id, JobKind::Sync, JobTrigger::Manual, Some(user_id)).await?;
    }
    tracing::info!(by = user_id, channel = id, "channel updated");
    Ok(())
}

pub async fn retry(
    channel_id: i64,
    error_id: Option<i64>,
    user_id: i64,
) -> Result<String, AppError> {
    let pool = crate::server::pool()?;
    let Some(error_id) = error_id else {
        store::jobs::enqueue(
            &pool,
            channel_id,
            JobKind::RetryErrors,
            JobTrigger::Manual,
            Some(user_id),
        )
        .await?;
        return Ok("Retrying every failed record: follow the progress above.".into());
    };
    let open = store::sync_errors::open_for_retry(&pool, channel_id, Some(&[error_id])).await?;
    let Some((entity, magento_id)) = open.into_iter().next() else {
        return Err(AppError::NotFound);
    };
    let magento_id: i64 = magento_id.parse().map_err(|_| {
        AppError::invalid("error_id", "This failure has no record id to fetch again.")
    })?;
    let counts = sync::retry::retry_one(
        &pool,
        &crate::server::cipher()?,
        channel_id,
        entity,
        magento_id,
        &check_options(),
    )
    .await
    .map_err(|e| {
        if let Some(busy) = e
            .chain()
            .find_map(|c| c.downcast_ref::<sync::retry::ChannelBusy>())
        {
            return AppError::Conflict(busy.to_string());
        }
        tracing::warn!(channel = channel_id, error = %format!("{e:#}"), "retry failed");
        match e.chain().find_map(|c| c.downcast_ref::<magento::Error>()) {
            Some(m) => AppError::Unavailable(format!("The store could not be reached: {m}")),
            None => AppError::Internal,
        }
    })?;
    Ok(match (counts.fetched, counts.failed) {
        (0, _) => format!(
            "The store no longer has this {} record (id {magento_id}).",
            entity_noun(entity)
        ),
        (_, 0) => "The record synced: its failure is resolved.".to_string(),
        _ => "The record still fails: the log shows the new reason.".to_string(),
    })
}

fn entity_noun(entity: Entity) -> &'static str {
    match entity {
        Entity::Customers => "customer",
        Entity::Carts => "cart",
        Entity::Orders => "order",
        Entity::CreditMemos => "credit memo",
        Entity::NewsletterSubscribers => "subscriber",
        Entity::Products => "product",
    }
}

/// A channel with its counts and display times.
pub async fn overview(
    pool: &store::PgPool,
    channel: domain::ChannelSummary,
    open_errors: i64,
) -> Result<super::api::ChannelOverview, AppError> {
    use crate::format::server::{datetime, datetime_ago};
    let now = chrono::Utc::now();
    Ok(super::api::ChannelOverview {
        records: store::export::counts(pool, channel.id).await?,
        open_errors,
        latest_job: store::jobs::latest(pool, channel.id).await?,
        last_success: channel.last_success_at.map(datetime_ago),
        lag: channel
            .last_sync_started_at
            .filter(|_| channel.last_success_at.is_some())
            .map(|t| crate::format::ago((now - t).num_seconds()).replace(" ago", "")),
        next_sync: channel
            .next_sync_at
            .filter(|_| channel.is_active)
            .map(datetime),
        channel,
    })
}

/// The live state of a channel: its status and newest job.
pub async fn live_state(pool: &store::PgPool, channel_id: i64) -> Result<ChannelLive, AppError> {
    let channel = store::channels::get(pool, channel_id).await?;
    Ok(ChannelLive {
        status: channel.status,
        status_message: channel.status_message,
        job: store::jobs::latest(pool, channel_id).await?,
    })
}

/// How often a live stream re-reads its session.
pub const SESSION_RECHECK: Duration = Duration::from_secs(10);

/// Whether the session a stream was opened with still exists and may still follow channels
/// (read without counting as activity: an open page alone does not keep a session alive).
async fn stream_still_allowed(pool: &store::PgPool, token_hash: Option<&str>) -> bool {
    let Some(token_hash) = token_hash else {
        return false;
    };
    match store::sessions::peek_user(pool, token_hash).await {
        Ok(Some(user)) => user.can(Permission::ManageIntegrations),
        Ok(None) => false,
        // The database is briefly unreachable: keep the stream; the next check decides.
        Err(e) => {
            tracing::warn!(error = %e, "could not re-check a live stream's session");
            true
        }
    }
}

/// `GET /api/channels/{id}/events`: Server-Sent Events with the channel's live state, once a
/// second while something changes (and a keep-alive otherwise).
pub async fn channel_events(
    axum::extract::Path(channel_id): axum::extract::Path<i64>,
    axum::Extension(state): axum::Extension<AppState>,
    session: Option<axum::Extension<RequestSession>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use axum::response::sse::{Event, KeepAlive, Sse};
    let allowed = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| u.can(Permission::ManageIntegrations));
    if !allowed {
        return (
            http::StatusCode::FORBIDDEN,
            "Your role does not allow this.",
        )
            .into_response();
    }
    if store::channels::get(&state.pool, channel_id).await.is_err() {
        return (http::StatusCode::NOT_FOUND, "No such channel.").into_response();
    }
    let pool = state.pool.clone();
    let stopping = state.stopping.clone();
    let token_hash = session.and_then(|s| s.0.token_hash);
    let stream = async_stream::stream! {
        let mut last = String::new();
        let mut checked = tokio::time::Instant::now();
        loop {
            // A stream outlives the request that opened it: the session is read again now and
            // then, and the stream ends once it was signed out, expired, or lost the role.
            if checked.elapsed() >= SESSION_RECHECK {
                checked = tokio::time::Instant::now();
                if !stream_still_allowed(&pool, token_hash.as_deref()).await {
                    break;
                }
            }
            match live_state(&pool, channel_id).await {
                Ok(live) => {
                    // The browser decodes events as it decodes replies (domain::wire).
                    let text = domain::wire::to_text(&live).unwrap_or_default();
                    if text != last {
                        last = text.clone();
                        yield Ok::<Event, std::convert::Infallible>(Event::default().event("progress").data(text));
                    }
                }
                Err(AppError::NotFound) => break,
                Err(e) => tracing::warn!(channel = channel_id, error = %e, "live state unavailable"),
            }
            // Shutting down: end now, or the graceful shutdown would wait for this stream.
            tokio::select! {
                _ = stopping.cancelled() => break,
                _ = tokio::time::sleep(Duration::from_millis(1000)) => {}
            }
        }
    };
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
