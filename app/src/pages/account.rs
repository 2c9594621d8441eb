//! A user's own account: change the password.

use crate::components::error::ErrorMessage;
use domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Changes the signed-in user's password; other sessions of the user are ended.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::auth::server::{request_session, require_user};
    use store::{credentials, users};
    let user = require_user()?;
    let pool = crate::server::pool()?;
    let stored = users::password_hash(&pool, user.id).await?;
    // Argon2 on the blocking threads, one per core (store::credentials).
    if !credentials::verify_password_limited(current_password, stored).await? {
        return Err(AppError::invalid(
            "current_password",
            "The current password is not right.",
        ));
    }
    if new_password != confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "The two new passwords differ.",
        ));
    }
    credentials::validate_new_password(&new_password)?;
    let hash = credentials::hash_password_limited(new_password).await?;
    let keep = request_session().token_hash;
    users::set_password(&pool, user.id, &hash, keep.as_deref()).await?;
    tracing::info!(user = user.id, "password changed");
    Ok(())
}

/// The signed-in user's time zone setting and the zones to choose from.
#[server(input = leptos::server_fn::codec::GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "time_zone_settings")]
pub async fn time_zone_settings() -> Result<(Option<String>, String, Vec<String>), AppError> {
    let user = crate::auth::server::require_user()?;
    let effective = crate::timezone::server::current().name().to_string();
    Ok((
        user.time_zone,
        effective,
        crate::timezone::server::all_names(),
    ))
}

/// Pins the user's time zone (an IANA name), or follows the browser again (empty).
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    let user = crate::auth::server::require_user()?;
    let zone = match time_zone.trim() {
        "" => None,
        name => Some(
            crate::timezone::server::parse(name)
                .ok_or_else(|| AppError::invalid("time_zone", "Choose a time zone from the list."))?
                .name()
                .to_string(),
        ),
    };
    store::users::set_time_zone(&crate::server::pool()?, user.id, zone.as_deref()).await?;
    Ok(())
}

#[component]
fn TimeZoneForm() -> impl IntoView {
    let save = ServerAction::<SetTimeZone>::new();
    let settings = crate::data::data(move || save.version().get(), |_| time_zone_settings());
    view! {
        <section class="card narrow">
            <h2>"Time zone"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok((chosen, effective, zones)) => view! {
                            <p class="muted">{format!("Dates and dashboard periods are shown in {effective}.")}</p>
                            <ActionForm action=save attr:class="form">
                                <div class="field">
                                    <label for="time_zone">"Time zone"</label>
                                    <select id="time_zone" name="time_zone">
                                        <option value="" selected=chosen.is_none()>"Follow my browser"</option>
                                        {zones.into_iter().map(|z| {
                                            let selected = chosen.as_deref() == Some(z.as_str());
                                            view! { <option value=z.clone() selected=selected>{z.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="button">"Save time zone"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let result = change.value();
    let query = leptos_router::hooks::use_query_map();
    let required = move || {
        query.with(|q| q.get("password").as_deref() == Some("required")) && result.get().is_none()
    };
    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        {move || required().then(|| view! {
            <div class="alert alert-warning" role="alert">
                "Choose your own password before you go on: the first one was printed when Cartwise started, so others may have seen it."
            </div>
        })}
        <section class="card narrow">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="form">
                <label class="field">
                    <span>"Current password"</span>
                    <input type="password" name="current_password" autocomplete="current-password" required />
                </label>
                <div class="field">
                    <label for="new_password">"New password"</label>
                    <input id="new_password" type="password" name="new_password" autocomplete="new-password"
                        minlength="10" required aria-describedby="new_password_hint" />
                    <small id="new_password_hint" class="hint">"At least 10 characters. A few words make a good password."</small>
                </div>
                <label class="field">
                    <span>"New password again"</span>
                    <input type="password" name="confirm_password" autocomplete="new-password" required />
                </label>
                <button type="submit" class="button button-primary">"Change password"</button>
            </ActionForm>
            {move || match result.get() {
                Some(Ok(())) => Some(view! {
                    <div class="alert alert-success" role="status">"Your password was changed. Other sessions were signed out."</div>
                }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorMessage error=e /> }.into_any()),
                None => None,
            }}
        </section>
        <TimeZoneForm />
    }
}
