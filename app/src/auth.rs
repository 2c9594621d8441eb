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

/// Who may reach a server function, a route or a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose role has this permission.
    Role(Permission),
}

impl Access {
    /// Whether this caller (`None`: anonymous) may come in.
    pub fn admits(self, user: Option<&CurrentUser>) -> bool {
        match self {
            Access::Public => true,
            Access::SignedIn => user.is_some(),
            Access::Role(p) => user.is_some_and(|u| u.can(p)),
        }
    }
}

/// The role table: every server function, route and page, and who may reach it. The server's
/// middleware refuses a server function's caller from this table before the function runs or
/// reads its arguments (401 anonymous, 403 role), each function checks again
/// (`server::require`), pages guard themselves with `RequirePermission`, and a test calls every
/// entry as anonymous and as each role, and fails for a function, route or page missing here.
/// Paths use `:name` for a path parameter.
pub const ACCESS: &[(&str, Access)] = {
    use Access::{Public, Role, SignedIn};
    use Permission::{
        Activities, ManageIntegrations, ManageLists, ManageSubscribers, ManageUsers, ReadData,
        ReadReports, StoreActions,
    };
    &[
        // Server functions.
        ("/api/add_to_cart", Role(StoreActions)),
        ("/api/ask_shipping_rates", Role(StoreActions)),
        ("/api/cancel_channel_sync", Role(ManageIntegrations)),
        ("/api/change_cart_line", Role(StoreActions)),
        ("/api/change_password", SignedIn),
        ("/api/channel_errors", Role(ManageIntegrations)),
        ("/api/channel_jobs", Role(ManageIntegrations)),
        ("/api/channel_live", Role(ManageIntegrations)),
        ("/api/check_connection", Role(ManageIntegrations)),
        ("/api/create_channel", Role(ManageIntegrations)),
        ("/api/create_customer", Role(StoreActions)),
        ("/api/create_user", Role(ManageUsers)),
        ("/api/current_session", Public),
        ("/api/delete_channel", Role(ManageIntegrations)),
        ("/api/delete_grid_view", Role(ReadData)),
        ("/api/edit_customer", Role(StoreActions)),
        ("/api/export_accounts", Role(ReadData)),
        ("/api/export_carts", Role(ReadData)),
        ("/api/export_credit_memos", Role(ReadData)),
        ("/api/export_customers", Role(ReadData)),
        ("/api/export_orders", Role(ReadData)),
        ("/api/export_products", Role(ReadData)),
        ("/api/export_subscribers", Role(ReadData)),
        ("/api/find_products", Role(ReadData)),
        ("/api/get_abandoned_report", Role(ReadReports)),
        ("/api/get_account", Role(ReadData)),
        ("/api/get_cart", Role(ReadData)),
        ("/api/get_cart_builder", Role(ReadData)),
        ("/api/get_carts_by_status_report", Role(ReadReports)),
        ("/api/get_channel", Role(ManageIntegrations)),
        ("/api/get_credit_memo", Role(ReadData)),
        ("/api/get_customer", Role(ReadData)),
        ("/api/get_customers_report", Role(ReadReports)),
        ("/api/get_dashboard", Role(ReadReports)),
        ("/api/get_grid_options", Role(ReadData)),
        ("/api/get_my_tasks", Role(ReadData)),
        ("/api/get_feedback_report", Role(ReadReports)),
        ("/api/list_marketing_lists", Role(ReadData)),
        ("/api/get_marketing_list", Role(ReadData)),
        ("/api/create_marketing_list", Role(ManageLists)),
        ("/api/remove_list_member", Role(ManageLists)),
        ("/api/refresh_marketing_list", Role(ManageLists)),
        ("/api/delete_marketing_list", Role(ManageLists)),
        ("/api/export_marketing_list", Role(ReadData)),
        ("/api/get_opportunity", Role(ReadData)),
        ("/api/list_opportunities", Role(ReadData)),
        ("/api/export_opportunities", Role(ReadData)),
        ("/api/save_opportunity", Role(Activities)),
        ("/api/follow_up_cart", Role(Activities)),
        ("/api/list_automation_rules", Role(ManageIntegrations)),
        ("/api/list_email_templates", Role(ReadData)),
        ("/api/save_email_template", Role(ManageLists)),
        ("/api/delete_email_template", Role(ManageLists)),
        ("/api/preview_cart_email", Role(Activities)),
        ("/api/send_cart_email", Role(Activities)),
        ("/api/create_automation_rule", Role(ManageIntegrations)),
        ("/api/set_automation_rule_enabled", Role(ManageIntegrations)),
        ("/api/delete_automation_rule", Role(ManageIntegrations)),
        ("/api/record_order_feedback", Role(Activities)),
        ("/api/get_customer_feedback", Role(ReadData)),
        ("/api/get_order", Role(ReadData)),
        ("/api/get_product", Role(ReadData)),
        ("/api/get_sales_report", Role(ReadReports)),
        ("/api/get_subscriber", Role(ReadData)),
        ("/api/list_accounts", Role(ReadData)),
        ("/api/list_activities", Role(ReadData)),
        ("/api/list_cart_items", Role(ReadData)),
        ("/api/list_carts", Role(ReadData)),
        ("/api/list_channels", Role(ManageIntegrations)),
        ("/api/list_credit_memo_items", Role(ReadData)),
        ("/api/list_credit_memos", Role(ReadData)),
        ("/api/list_customer_addresses", Role(ReadData)),
        ("/api/list_customers", Role(ReadData)),
        ("/api/list_grid_views", Role(ReadData)),
        ("/api/list_order_items", Role(ReadData)),
        ("/api/list_order_status_history", Role(ReadData)),
        ("/api/list_orders", Role(ReadData)),
        ("/api/list_products", Role(ReadData)),
        ("/api/list_store_actions", Role(ReadData)),
        ("/api/list_subscribers", Role(ReadData)),
        ("/api/list_users", Role(ManageUsers)),
        ("/api/load_new_cart", Role(StoreActions)),
        ("/api/load_customer_edit", Role(StoreActions)),
        ("/api/log_activity", Role(Activities)),
        ("/api/load_new_customer", Role(StoreActions)),
        ("/api/mark_cart_lost", Role(StoreActions)),
        ("/api/open_cart_for_email", Role(StoreActions)),
        ("/api/open_customer_cart", Role(StoreActions)),
        ("/api/open_guest_cart", Role(StoreActions)),
        ("/api/place_cart_order", Role(StoreActions)),
        ("/api/record_actions", Role(ReadData)),
        ("/api/remove_cart_line", Role(StoreActions)),
        ("/api/resend_customer_edit", Role(StoreActions)),
        ("/api/reopen_cart", Role(StoreActions)),
        ("/api/retry_sync_errors", Role(ManageIntegrations)),
        ("/api/save_grid_view", Role(ReadData)),
        ("/api/set_cart_shipping", Role(StoreActions)),
        ("/api/set_channel_active", Role(ManageIntegrations)),
        ("/api/set_subscription", Role(ManageSubscribers)),
        ("/api/set_task_done", Role(Activities)),
        ("/api/set_time_zone", SignedIn),
        ("/api/set_user_active", Role(ManageUsers)),
        ("/api/set_user_role", Role(ManageUsers)),
        ("/api/sync_channel_now", Role(ManageIntegrations)),
        ("/api/sync_record", Role(ReadData)),
        ("/api/time_zone_settings", SignedIn),
        ("/api/update_channel", Role(ManageIntegrations)),
        // Routes outside Leptos.
        ("/api/channels/:id/events", Role(ManageIntegrations)),
        ("/login", Public),
        ("/logout", Public),
        ("/health", Public),
        // Pages.
        ("/", SignedIn),
        ("/account", SignedIn),
        ("/tasks", Role(ReadData)),
        ("/lists", Role(ReadData)),
        ("/lists/:id", Role(ReadData)),
        ("/users", Role(ManageUsers)),
        ("/channels", Role(ManageIntegrations)),
        ("/automation-rules", Role(ManageIntegrations)),
        ("/email-templates", Role(ManageLists)),
        ("/channels/new", Role(ManageIntegrations)),
        ("/channels/:id", Role(ManageIntegrations)),
        ("/channels/:id/edit", Role(ManageIntegrations)),
        ("/customers", Role(ReadData)),
        ("/customers/:id", Role(ReadData)),
        ("/customers/:id/edit", Role(StoreActions)),
        ("/new-customer", Role(StoreActions)),
        ("/accounts", Role(ReadData)),
        ("/accounts/:id", Role(ReadData)),
        ("/carts", Role(ReadData)),
        ("/carts/:id", Role(ReadData)),
        ("/carts/:id/build", Role(ReadData)),
        ("/new-cart", Role(StoreActions)),
        ("/orders", Role(ReadData)),
        ("/orders/:id", Role(ReadData)),
        ("/credit-memos", Role(ReadData)),
        ("/credit-memos/:id", Role(ReadData)),
        ("/newsletter-subscribers", Role(ReadData)),
        ("/newsletter-subscribers/:id", Role(ReadData)),
        ("/products", Role(ReadData)),
        ("/opportunities", Role(ReadData)),
        ("/opportunities/:id", Role(ReadData)),
        ("/products/:id", Role(ReadData)),
        ("/store-actions", Role(ReadData)),
        ("/reports", Role(ReadReports)),
        ("/reports/sales", Role(ReadReports)),
        ("/reports/carts-by-status", Role(ReadReports)),
        ("/reports/abandoned-carts", Role(ReadReports)),
        ("/reports/customers", Role(ReadReports)),
        ("/reports/feedback", Role(ReadReports)),
    ]
};

/// The table's entry for a concrete path (`/carts/12/build` matches `/carts/:id/build`; a
/// `{id}` spelling matches too).
pub fn access(path: &str) -> Option<Access> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    ACCESS.iter().find_map(|(pattern, access)| {
        let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
        let same = pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| {
                p == s || ((p.starts_with(':') || p.starts_with('{')) && !s.is_empty())
            });
        same.then_some(*access)
    })
}

/// What the shell needs to draw itself: the user, and which entities have data to show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<CurrentUser>,
    /// Entities synced by at least one active channel: their menu entries are shown.
    pub synced_entities: Vec<Entity>,
    pub has_channels: bool,
    /// The installation sends email (SMTP settings): "Send email" is offered.
    #[serde(default)]
    pub sends_email: bool,
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
        sends_email: crate::server::mailer().is_some(),
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
