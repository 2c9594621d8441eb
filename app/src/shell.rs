//! The HTML document and the route table.

use crate::actions::ActionRoutes;
use crate::auth::SessionResource;
use crate::channels::ChannelRoutes;
use crate::components::layout::AppLayout;
use crate::customer_edit::CustomerEditRoutes;
use crate::grids::GridRoutes;
use crate::pages::{
    account::AccountPage, dashboard::DashboardPage, login::LoginPage, not_found::NotFound,
};
use crate::reports::ReportRoutes;
use crate::users::UsersPage;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The whole HTML document, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: routes, and the signed-in session every page can read.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    content_security_policy();
    SessionResource::provide();
    // Effects run only in the browser: this marks the page as hydrated (interactive), which the
    // end-to-end tests wait for before they click.
    Effect::new(|_| {
        crate::timezone::remember_browser_time_zone();
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/cartwise.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Cartwise".to_string() } else { format!("{title} · Cartwise") }
        } />
        // Pages render whole on the server (SsrMode::Async) so they work before, and without,
        // the WASM: no Suspense fallback is ever left waiting for JavaScript.
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/tasks") view=crate::activities::MyTasksPage ssr=SsrMode::Async />
                    <Route path=path!("/lists") view=crate::lists::ListsPage ssr=SsrMode::Async />
                    <Route path=path!("/lists/:id") view=crate::lists::ListPage ssr=SsrMode::Async />
                    <Route path=path!("/email-templates") view=crate::email::EmailTemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/automation-rules") view=crate::rules::AutomationRulesPage ssr=SsrMode::Async />
                    <ChannelRoutes />
                    <GridRoutes />
                    <ActionRoutes />
                    <CustomerEditRoutes />
                    <ReportRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only from this origin's inline scripts that
/// carry this response's nonce (Leptos puts it on every one it writes) and what they load;
/// WebAssembly allowed; no framing, no plugins, no other origin for anything. A script an
/// attacker gets into the page (a customer's name, say) has no nonce and does not run.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use http::{HeaderValue, header};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
