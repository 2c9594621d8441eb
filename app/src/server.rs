//! Server-side context for server functions: the state the server provides to each request.

use domain::AppError;
use leptos::prelude::*;
use store::PgPool;

/// Everything server functions may use, provided as Leptos context by the server binary.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Encrypts store credentials at rest (the server's secret key).
    pub cipher: store::secrets::Cipher,
    /// Runs the store actions this process's users ask for.
    pub actions: std::sync::Arc<sync::outbound::Actions>,
    /// Cancelled when the server starts shutting down: long-lived streams end with it, so the
    /// graceful shutdown does not wait for them.
    pub stopping: tokio_util::sync::CancellationToken,
    /// Outgoing email, when the installation has SMTP settings (`CARTWISE_SMTP_*`); without
    /// them "Send email" is hidden and only "Log email" exists.
    pub mailer: Option<mailer::Mailer>,
}

/// The SMTP sender, if this installation sends email.
pub fn mailer() -> Option<mailer::Mailer> {
    use_context::<AppState>().and_then(|s| s.mailer)
}

/// The database pool of this request's server.
pub fn pool() -> Result<PgPool, AppError> {
    use_context::<AppState>().map(|s| s.pool).ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The cipher for stored secrets.
pub fn cipher() -> Result<store::secrets::Cipher, AppError> {
    use_context::<AppState>().map(|s| s.cipher).ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The store action runner.
pub fn actions() -> Result<std::sync::Arc<sync::outbound::Actions>, AppError> {
    use_context::<AppState>().map(|s| s.actions).ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
