//! Users & roles: administrators list, create, re-role and deactivate users.

use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::{AppError, Permission, Role, UserSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

/// Every user, for the Users page.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::auth::server::require(Permission::ManageUsers)?;
    Ok(store::users::list(&crate::server::pool()?).await?)
}

/// Creates a user with an initial password they can change later.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<i64, AppError> {
    use store::{credentials, users};
    let admin = crate::auth::server::require(Permission::ManageUsers)?;
    let role: Role = role
        .parse()
        .map_err(|e: String| AppError::invalid("role", e))?;
    credentials::validate_new_password(&password)?;
    // Argon2 on the blocking threads, one per core (store::credentials).
    let hash = credentials::hash_password_limited(password).await?;
    let pool = crate::server::pool()?;
    let id = users::create(
        &pool,
        users::NewUser {
            email: &email,
            name: &name,
            role,
            password_hash: &hash,
        },
    )
    .await?;
    tracing::info!(
        by = admin.id,
        user = id,
        role = role.as_str(),
        "user created"
    );
    Ok(id)
}

/// Gives a user another role. The last active administrator keeps theirs.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "set_user_role")]
pub async fn set_user_role(user_id: i64, role: String) -> Result<(), AppError> {
    let admin = crate::auth::server::require(Permission::ManageUsers)?;
    let role: Role = role
        .parse()
        .map_err(|e: String| AppError::invalid("role", e))?;
    store::users::set_role(&crate::server::pool()?, user_id, role).await?;
    tracing::info!(
        by = admin.id,
        user = user_id,
        role = role.as_str(),
        "role changed"
    );
    Ok(())
}

/// Deactivates (signs out and locks) or reactivates a user.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let admin = crate::auth::server::require(Permission::ManageUsers)?;
    if admin.id == user_id && !active {
        return Err(AppError::invalid(
            "user_id",
            "You cannot deactivate yourself.",
        ));
    }
    store::users::set_active(&crate::server::pool()?, user_id, active).await?;
    tracing::info!(
        by = admin.id,
        user = user_id,
        active,
        "user activation changed"
    );
    Ok(())
}

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users & roles" />
        <div class="page-header">
            <h1>"Users & roles"</h1>
        </div>
        <RequirePermission permission=Permission::ManageUsers>
            <UsersAdmin />
        </RequirePermission>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let users = crate::data::data(
        move || {
            (
                create.version().get(),
                set_role.version().get(),
                set_active.version().get(),
            )
        },
        |_| list_users(),
    );
    let last_error = move || {
        [
            set_role.value().get().and_then(Result::err),
            set_active.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };

    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        {move || last_error().map(|e| view! { <ErrorMessage error=e /> })}
                        <UsersTable users=list set_role set_active />
                        <NewUserForm create />
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UsersTable(
    users: Vec<UserSummary>,
    set_role: ServerAction<SetUserRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    view! {
        <section class="card card-flush">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|u| view! { <UserRow user=u set_role set_active /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    set_role: ServerAction<SetUserRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    let id = user.id.to_string();
    let id_for_toggle = id.clone();
    let status = if user.is_active {
        "Active"
    } else {
        "Deactivated"
    };
    let toggle_label = if user.is_active {
        "Deactivate"
    } else {
        "Activate"
    };
    let label = format!("Role of {}", user.name);
    view! {
        <tr class:row-muted=!user.is_active>
            <td>{user.name.clone()}</td>
            <td>{user.email.clone()}</td>
            <td>
                <ActionForm action=set_role attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id />
                    <select name="role" aria-label=label>
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! {
                                <option value=r.as_str() selected=r == user.role>{r.label()}</option>
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button button-small">"Save role"</button>
                </ActionForm>
            </td>
            <td><span class="badge" class:badge-muted=!user.is_active>{status}</span></td>
            <td class="actions">
                <ActionForm action=set_active attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_for_toggle />
                    <input type="hidden" name="active" value=(!user.is_active).to_string() />
                    <button type="submit" class="button button-small button-quiet">{toggle_label}</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let result = create.value();
    view! {
        <section class="card narrow">
            <h2>"New user"</h2>
            <ActionForm action=create attr:class="form">
                <label class="field">
                    <span>"Name"</span>
                    <input type="text" name="name" required maxlength="200" />
                </label>
                <label class="field">
                    <span>"Email"</span>
                    <input type="email" name="email" required />
                </label>
                <div class="field">
                    <label for="new_user_role">"Role"</label>
                    <select id="new_user_role" name="role" aria-describedby="new_user_role_hint">
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == Role::Viewer>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    <small id="new_user_role_hint" class="hint">"Administrator: everything. Sales: data and store actions. Marketing: data, subscribers, reports. Viewer: read only."</small>
                </div>
                <div class="field">
                    <label for="new_user_password">"Initial password"</label>
                    <input id="new_user_password" type="password" name="password" autocomplete="new-password"
                        minlength="10" required aria-describedby="new_user_password_hint" />
                    <small id="new_user_password_hint" class="hint">"At least 10 characters. Share it privately; they can change it under their account."</small>
                </div>
                <button type="submit" class="button button-primary">"Create user"</button>
            </ActionForm>
            {move || match result.get() {
                Some(Ok(_)) => Some(view! { <div class="alert alert-success" role="status">"User created."</div> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorMessage error=e /> }.into_any()),
                None => None,
            }}
        </section>
    }
}
