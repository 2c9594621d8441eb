//! Shows a page's content only to roles allowed to see it. The server functions behind the page
//! check again: this guard is for a clear message and the right HTTP status, not for security.

use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use domain::{AppError, Permission};
use leptos::prelude::*;

#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    // On the server the status is set before the page starts streaming.
    #[cfg(feature = "ssr")]
    {
        let session = crate::auth::server::request_session();
        let allowed = session.user.as_ref().is_some_and(|u| u.can(permission));
        if !allowed && let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(if session.user.is_some() {
                http::StatusCode::FORBIDDEN
            } else {
                http::StatusCode::UNAUTHORIZED
            });
        }
    }
    let session = SessionResource::get().0;
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_default();
                if info.can(permission) {
                    children.with_value(|c| c()).into_any()
                } else if info.user.is_none() {
                    view! { <ErrorMessage error=AppError::Unauthenticated /> }.into_any()
                } else {
                    view! { <ErrorMessage error=AppError::Forbidden /> }.into_any()
                }
            })}
        </Suspense>
    }
}
