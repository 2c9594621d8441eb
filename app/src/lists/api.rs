//! Marketing lists' server functions: reading needs `ReadData`; building, changing and the
//! export that counts as a contact need `ManageLists` (Administrator, Marketing).

use domain::AppError;
use domain::lists::{ListPage, ListSummary, NewList};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard, StreamingText, TextStream};

#[server(input = GetUrl, output = Postcard, endpoint = "list_marketing_lists")]
pub async fn list_marketing_lists() -> Result<Vec<ListSummary>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    let today = crate::activities::server::today();
    crate::grids::server::answer(store::lists::all(&crate::server::pool()?, today, tz).await)
}

#[server(input = GetUrl, output = Postcard, endpoint = "get_marketing_list")]
pub async fn get_marketing_list(id: i64, page: i64) -> Result<ListPage, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    let today = crate::activities::server::today();
    crate::grids::server::answer(
        store::lists::page(&crate::server::pool()?, id, page, today, tz).await,
    )
}

/// Saves a grid's filter as a list; returns its id.
#[server(input = Json, output = Postcard, endpoint = "create_marketing_list")]
pub async fn create_marketing_list(list: NewList) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    let tz = crate::timezone::server::current();
    let today = crate::activities::server::today();
    let id = crate::grids::server::answer(
        store::lists::create(&crate::server::pool()?, user.id, &list, today, tz).await,
    )?;
    tracing::info!(
        by = user.id,
        list = id,
        entity = list.entity.as_str(),
        "marketing list created"
    );
    Ok(id)
}

/// Takes a member off a list (or puts it back) without touching the record.
#[server(output = Postcard, endpoint = "remove_list_member")]
pub async fn remove_list_member(list: i64, record: i64, back: bool) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    crate::grids::server::answer(
        store::lists::remove_member(&crate::server::pool()?, list, record, user.id, back).await,
    )
}

/// Freezes a static list's members as its filter matches now; returns how many.
#[server(output = Postcard, endpoint = "refresh_marketing_list")]
pub async fn refresh_marketing_list(id: i64) -> Result<u64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    let tz = crate::timezone::server::current();
    let today = crate::activities::server::today();
    let n = crate::grids::server::answer(
        store::lists::refresh(&crate::server::pool()?, id, today, tz).await,
    )?;
    tracing::info!(
        by = user.id,
        list = id,
        members = n,
        "marketing list refreshed"
    );
    Ok(n)
}

#[server(output = Postcard, endpoint = "delete_marketing_list")]
pub async fn delete_marketing_list(id: i64) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    crate::grids::server::answer(store::lists::delete(&crate::server::pool()?, id).await)?;
    tracing::info!(by = user.id, list = id, "marketing list deleted");
    leptos_axum::redirect("/lists");
    Ok(())
}

/// The members fit for email (an address, not unsubscribed) as CSV. With `contacted=true` the
/// export counts as a contact of each person (a campaign sent): that needs `ManageLists`.
#[server(input = GetUrl, output = StreamingText, endpoint = "export_marketing_list")]
pub async fn export_marketing_list(
    id: i64,
    contacted: Option<bool>,
) -> Result<TextStream<AppError>, AppError> {
    use futures::StreamExt;
    let contacted = contacted.unwrap_or(false);
    let user = crate::auth::server::require(if contacted {
        domain::Permission::ManageLists
    } else {
        domain::Permission::ReadData
    })?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let today = crate::activities::server::today();
    let slot =
        crate::grids::server::export_slot(user.id).inspect_err(crate::grids::server::status_for)?;
    let (name, _) = crate::grids::server::answer(store::lists::describe(&pool, id).await)?;
    let rows =
        crate::grids::server::answer(store::lists::export(pool, id, contacted, today, tz).await)?;
    let head = domain::lists::CSV_HEAD.to_string();
    let body = rows.ready_chunks(256).map(move |chunk| {
        let mut out = String::with_capacity(64 * 1024);
        for m in chunk {
            m.map_err(AppError::from)?.push_csv_line(&mut out);
        }
        Ok(out)
    });
    let file = format!(
        "list-{}-{}.csv",
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            })
            .collect::<String>()
            .trim_matches('-'),
        today.format("%Y-%m-%d")
    );
    crate::grids::server::as_download(&file);
    Ok(TextStream::new(crate::grids::server::bounded_download(
        futures::stream::once(async move { Ok(head) }).chain(body),
        slot,
    )))
}
