//! The frame around every signed-in page: the sidebar menu and the top bar.

use crate::auth::{SessionInfo, SessionResource};
use crate::components::error::ErrorTemplate;
use crate::components::nav;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

#[component]
pub fn AppLayout() -> impl IntoView {
    let session = SessionResource::get().0;
    view! {
        <div class="app">
            <a class="skip-link" href="#content">"Skip to content"</a>
            <aside class="sidebar" aria-label="Main menu">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    <span>"Cartwise"</span>
                </a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let info = session.await.unwrap_or_default();
                        view! { <Menu info /> }
                    })}
                </Suspense>
            </aside>
            <div class="main">
                <header class="topbar">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let info = session.await.unwrap_or_default();
                            view! { <UserMenu info /> }
                        })}
                    </Suspense>
                </header>
                <main id="content" class="content">
                    // A page that fails to render shows a clear message instead of a blank area.
                    <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                        <Outlet />
                    </ErrorBoundary>
                </main>
            </div>
        </div>
    }
}

#[component]
fn Menu(info: SessionInfo) -> impl IntoView {
    let sections = nav::sections(&info);
    view! {
        <nav class="menu">
            {sections
                .into_iter()
                .map(|section| {
                    view! {
                        <div class="menu-section">
                            {(!section.title.is_empty())
                                .then(|| view! { <div class="menu-title">{section.title}</div> })}
                            <ul>
                                {section
                                    .items
                                    .into_iter()
                                    .map(|item| {
                                        view! {
                                            <li>
                                                <A href=item.href exact=true>
                                                    {item.label}
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn UserMenu(info: SessionInfo) -> impl IntoView {
    info.user.map(|user| {
        view! {
            <div class="user-menu">
                <a class="user-name" href="/account" title="Your account">
                    <span>{user.name.clone()}</span>
                    <span class="badge">{user.role.label()}</span>
                </a>
                <form method="post" action="/logout">
                    <button type="submit" class="button button-quiet">"Sign out"</button>
                </form>
            </div>
        }
    })
}
