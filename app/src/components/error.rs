//! One way to show errors everywhere: a clear message, never internal details.

use domain::AppError;
use leptos::prelude::*;

/// A message box for an error a server function returned.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <div class="alert alert-error" role="alert">
            <p>{error.to_string()}</p>
            {sign_in.then(|| view! { <p><a href="/login">"Sign in"</a></p> })}
        </div>
    }
}

/// The fallback of every `ErrorBoundary`: lists the errors in plain words.
#[component]
pub fn ErrorTemplate(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <div class="alert alert-error" role="alert">
            <strong>"This part of the page could not be shown."</strong>
            <ul>
                {move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// Renders the error of a server-function result, or nothing.
pub fn error_view<T>(result: &Option<Result<T, AppError>>) -> Option<AnyView> {
    match result {
        Some(Err(e)) => Some(view! { <ErrorMessage error=e.clone() /> }.into_any()),
        _ => None,
    }
}
