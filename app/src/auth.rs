//! Who is signed in, and the one place server functions check it.
//!
//! The server's middleware resolves the session cookie once per request and puts a
//! [`server::RequestSession`] in the request's extensions; it also refuses every `/api` call
//! without a session except the public ones listed in [`PUBLIC_SERVER_FNS`]. Each server
//! function then calls [`server::require`] with the permission it needs (the role check).

use domain::{AppError, CurrentUser, Entity, Permission};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// Server functions callable without a session. Everything else under `/api` needs one.
pub const PUBLIC_SERVER_FNS: &[&str] = &["/api/current_session"];

/// What the shell needs to draw itself: the user, and which entities have data to show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<CurrentUser>,
    /// Entities synced by at least one active channel: their menu entries are shown.
    pub synced_entities: Vec<Entity>,
    pub has_channels: bool,
}

impl SessionInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.user.as_ref().is_some_and(|u| u.can(permission))
    }

    pub fn syncs(&self, entity: Entity) -> bool {
        self.synced_entities.contains(&entity)
    }
}

/// The signed-in user (if any) and what the menus should show.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "current_session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    let session = server::request_session();
    let Some(user) = session.user else {
        return Ok(SessionInfo::default());
    };
    let (synced_entities, has_channels) =
        store::channels::synced_entities(&crate::server::pool()?).await?;
    Ok(SessionInfo {
        user: Some(user),
        synced_entities,
        has_channels,
    })
}

/// The session resource, fetched once per page load (blocking, so the server-rendered HTML
/// already carries the menus and the user's name).
#[derive(Clone, Copy)]
pub struct SessionResource(pub crate::data::Data<Result<SessionInfo, AppError>>);

impl SessionResource {
    pub fn provide() {
        // Blocking: the server waits for it before sending any HTML.
        let resource = crate::data::Data::new_with_options(|| (), |_| current_session(), true);
        provide_context(SessionResource(resource));
    }

    pub fn get() -> Self {
        expect_context::<SessionResource>()
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::*;
    use http::StatusCode;
    use leptos_axum::ResponseOptions;

    /// The session the server's middleware resolved for this request.
    #[derive(Clone, Debug, Default)]
    pub struct RequestSession {
        pub user: Option<CurrentUser>,
        /// SHA-256 of the session token, to keep this session when a password changes.
        pub token_hash: Option<String>,
    }

    pub fn request_session() -> RequestSession {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RequestSession>().cloned())
            .unwrap_or_default()
    }

    fn fail(error: AppError) -> AppError {
        if let Some(response) = use_context::<ResponseOptions>() {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
        error
    }

    /// The signed-in user, whatever their role.
    pub fn require_user() -> Result<CurrentUser, AppError> {
        request_session()
            .user
            .ok_or_else(|| fail(AppError::Unauthenticated))
    }

    /// The signed-in user, if their role allows `permission`. Every server function that is
    /// not public starts with this call.
    pub fn require(permission: Permission) -> Result<CurrentUser, AppError> {
        let user = require_user()?;
        if user.can(permission) {
            Ok(user)
        } else {
            tracing::warn!(
                user = user.id,
                ?permission,
                "refused: role does not allow this"
            );
            Err(fail(AppError::Forbidden))
        }
    }
}
