//! Marketing lists: members are the rows of the list's entity grid that match the list's
//! filter (the grid's own WHERE, so a list shows exactly what its grid shows), limited to the
//! frozen member set for static lists, minus the members a user removed. Members whose email is
//! unsubscribed in the store are shown but never exported for email use.

use crate::grid::{GridSource, Tz, local_time};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::grid::carts::CartField;
use domain::grid::customers::CustomerField;
use domain::grid::subscribers::SubscriberField;
use domain::grid::{GridField, GridQuery, Money};
use domain::lists::{
    Builtin, ListEntity, ListKind, ListMember, ListPage, ListSummary, NewList, filter_pairs,
};
use futures::{Stream, StreamExt, TryStreamExt};
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// What a list's members are read from, per entity: the member columns over the grid's table
/// aliased `c` (and the joins they need).
trait MemberSource: GridSource {
    const MEMBER_SELECT: &'static str;
    const MEMBER_JOINS: &'static str;
}

/// `k`: the list's contact counters; `unsubscribed`: the person's newsletter status in the
/// store (3 = Unsubscribed) for the email.
const COMMON: &str = r#", coalesce(k.contacted_times, 0) as contacted_times,
    k.last_contacted_at"#;

impl MemberSource for CustomerField {
    const MEMBER_SELECT: &'static str = r#"c.id as record_id, c.email,
        nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name,
        c.lifetime_sales, (select o.order_currency_code from orders o where o.customer_id = c.id
                           order by o.id desc limit 1) as currency,
        c.last_order_at, case when c.is_guest then 'Guest' else 'Registered' end as status,
        exists (select 1 from newsletter_subscribers s where s.channel_id = c.channel_id
                and s.email_key = lower(c.email) and s.status = 3) as unsubscribed"#;
    const MEMBER_JOINS: &'static str = "";
}

impl MemberSource for CartField {
    const MEMBER_SELECT: &'static str = r#"c.id as record_id, c.email,
        coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''),
                 nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '')) as name,
        cu.lifetime_sales, c.quote_currency_code as currency, cu.last_order_at,
        case c.status when 'open' then 'Open' when 'lost' then 'Lost'
                      when 'converted_to_opportunity' then 'Converted to opportunity'
                      when 'expired' then 'Expired' else 'Purchased' end as status,
        exists (select 1 from newsletter_subscribers s where s.channel_id = c.channel_id
                and s.email_key = lower(c.email) and s.status = 3) as unsubscribed"#;
    const MEMBER_JOINS: &'static str = "left join customers cu on cu.id = c.customer_id";
}

impl MemberSource for SubscriberField {
    const MEMBER_SELECT: &'static str = r#"c.id as record_id, c.email,
        nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), '') as name,
        cu.lifetime_sales, null::text as currency, cu.last_order_at,
        case c.status when 1 then 'Subscribed' when 2 then 'Not activated'
                      when 3 then 'Unsubscribed' else 'Unconfirmed' end as status,
        c.status = 3 as unsubscribed"#;
    const MEMBER_JOINS: &'static str = "left join customers cu on cu.id = c.customer_id";
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    record_id: i64,
    email: Option<String>,
    name: Option<String>,
    lifetime_sales: Option<Decimal>,
    currency: Option<String>,
    last_order_at: Option<DateTime<Utc>>,
    status: String,
    unsubscribed: bool,
    contacted_times: i32,
    last_contacted_at: Option<DateTime<Utc>>,
}

impl MemberRow {
    fn member(self, tz: Tz) -> ListMember {
        ListMember {
            record_id: self.record_id,
            email: self.email,
            name: self.name,
            lifetime_sales: self.lifetime_sales.map(|amount| Money {
                amount,
                currency: self.currency,
            }),
            last_order_at: local_time(self.last_order_at, tz),
            status: self.status,
            contacted_times: self.contacted_times,
            last_contacted_at: local_time(self.last_contacted_at, tz),
            unsubscribed: self.unsubscribed,
        }
    }
}

/// A list's row, as stored.
struct Stored {
    id: i64,
    name: String,
    entity: ListEntity,
    kind: ListKind,
    builtin: Option<Builtin>,
    channel_id: Option<i64>,
    channel: Option<String>,
    query: String,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
    refreshed_at: Option<DateTime<Utc>>,
}

impl Stored {
    /// The filter as of `today` (a built-in's dates move).
    fn query(&self, today: NaiveDate) -> String {
        match (self.builtin, self.channel_id) {
            (Some(b), Some(channel)) => b.query(channel, today),
            _ => self.query.clone(),
        }
    }

    fn summary(&self, members: Option<i64>, today: NaiveDate, tz: Tz) -> ListSummary {
        ListSummary {
            id: self.id,
            name: self.name.clone(),
            entity: self.entity,
            kind: self.kind,
            builtin: self.builtin,
            channel: self.channel.clone(),
            query: self.query(today),
            members,
            created_by: self.created_by.clone(),
            created_at: local_time(Some(self.created_at), tz),
            refreshed_at: local_time(self.refreshed_at, tz),
        }
    }
}

macro_rules! select_lists {
    ($where:literal $(, $arg:expr)*) => {
        sqlx::query!(
            r#"select l.id, l.name, l.entity, l.kind, l.builtin, l.channel_id, ch.name as "channel?",
                   l.query, u.name as "created_by?", l.created_at, l.refreshed_at
               from marketing_lists l
               left join channels ch on ch.id = l.channel_id
               left join users u on u.id = l.created_by "# + $where,
            $($arg),*
        )
    };
}

macro_rules! stored {
    ($r:expr) => {{
        let r = $r;
        ListEntity::parse(&r.entity)
            .zip(ListKind::parse(&r.kind))
            .map(|(entity, kind)| Stored {
                id: r.id,
                name: r.name,
                entity,
                kind,
                builtin: r.builtin.as_deref().and_then(Builtin::parse),
                channel_id: r.channel_id,
                channel: r.channel,
                query: r.query,
                created_by: r.created_by,
                created_at: r.created_at,
                refreshed_at: r.refreshed_at,
            })
    }};
}

async fn stored(pool: &PgPool, id: i64) -> Result<Stored> {
    let row = select_lists!("where l.id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    stored!(row).ok_or(Error::NotFound)
}

/// Gives every channel its built-in lists (idempotent).
pub async fn ensure_builtins(pool: &PgPool) -> Result<()> {
    let keys: Vec<String> = Builtin::ALL.iter().map(|b| b.as_str().to_owned()).collect();
    let names: Vec<String> = Builtin::ALL.iter().map(|b| b.name().to_owned()).collect();
    let entities: Vec<String> = Builtin::ALL
        .iter()
        .map(|b| b.entity().as_str().to_owned())
        .collect();
    // Names are unique across channels: the channel's name tells two built-ins apart.
    sqlx::query!(
        r#"insert into marketing_lists (name, entity, kind, builtin, channel_id)
           select left(b.name || ' · ' || ch.name, 120), b.entity, 'dynamic', b.key, ch.id
           from channels ch
           cross join unnest($1::text[], $2::text[], $3::text[]) as b(key, name, entity)
           where not exists (select 1 from marketing_lists l
                             where l.channel_id = ch.id and l.builtin = b.key)
           on conflict do nothing"#,
        &keys,
        &names,
        &entities
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Every list with its member count (built-ins first, then by name).
pub async fn all(pool: &PgPool, today: NaiveDate, tz: Tz) -> Result<Vec<ListSummary>> {
    ensure_builtins(pool).await?;
    let rows = select_lists!("order by l.builtin is null, lower(l.name), l.id")
        .fetch_all(pool)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(list) = stored!(row) else { continue };
        let members = count(pool, &list, today, tz).await.ok();
        out.push(list.summary(members, today, tz));
    }
    Ok(out)
}

/// Creates a list from a grid's query; a static list takes its members now.
pub async fn create(
    pool: &PgPool,
    user: i64,
    list: &NewList,
    today: NaiveDate,
    tz: Tz,
) -> Result<i64> {
    list.check().map_err(|e| match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("list", other.to_string()),
    })?;
    let query = domain::grid::codec::encode_pairs(&filter_pairs(&list.query));
    // The filter must mean something to its grid today.
    check_query(list.entity, &query, today)?;
    let id = sqlx::query_scalar!(
        r#"insert into marketing_lists (name, entity, kind, query, created_by)
           values ($1, $2, $3, $4, $5) returning id"#,
        list.name.trim(),
        list.entity.as_str(),
        list.kind.as_str(),
        query,
        user
    )
    .fetch_one(pool)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Error::invalid("name", "A list with this name exists: choose another name.")
        }
        other => other.into(),
    })?;
    if list.kind == ListKind::Static {
        refresh(pool, id, today, tz).await?;
    }
    Ok(id)
}

fn check_query(entity: ListEntity, query: &str, today: NaiveDate) -> Result<()> {
    let pairs = domain::grid::codec::decode_query(query);
    let parsed = match entity {
        ListEntity::Customers => domain::grid::parse::<CustomerField>(&pairs, today).map(|_| ()),
        ListEntity::Carts => domain::grid::parse::<CartField>(&pairs, today).map(|_| ()),
        ListEntity::Subscribers => {
            domain::grid::parse::<SubscriberField>(&pairs, today).map(|_| ())
        }
    };
    parsed.map_err(|e| match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("query", other.to_string()),
    })
}

fn parse<F: GridField>(query: &str, today: NaiveDate) -> Result<GridQuery<F>> {
    domain::grid::parse::<F>(&domain::grid::codec::decode_query(query), today).map_err(|e| {
        Error::invalid(
            "query",
            format!("This list's filter no longer applies: {e}"),
        )
    })
}

/// `from (select c.* from TABLE where <grid filters> and <list scope>) c`.
fn push_members_from<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    list: &Stored,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<()> {
    qb.push(" from (select c.* from ");
    qb.push(F::TABLE);
    push_scope(qb, list, query, tz)?;
    qb.push(") c ");
    Ok(())
}

/// The grid's WHERE, then the list's own limits (removed members left out).
fn push_scope<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    list: &Stored,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<()> {
    push_matching(qb, list, query, tz)?;
    qb.push(
        " and not exists (select 1 from marketing_list_removed r where r.record_id = c.id and r.list_id = ",
    )
    .push_bind(list.id)
    .push(")");
    Ok(())
}

/// The grid's WHERE and, for a static list, its frozen members: the records the list would
/// have with none removed.
fn push_matching<F: GridSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    list: &Stored,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<()> {
    crate::grid::push_where(qb, query, tz)?;
    if list.kind == ListKind::Static {
        qb.push(
            " and c.id in (select m.record_id from marketing_list_members m where m.list_id = ",
        )
        .push_bind(list.id)
        .push(")");
    }
    Ok(())
}

async fn count(pool: &PgPool, list: &Stored, today: NaiveDate, tz: Tz) -> Result<i64> {
    match list.entity {
        ListEntity::Customers => count_in::<CustomerField>(pool, list, today, tz).await,
        ListEntity::Carts => count_in::<CartField>(pool, list, today, tz).await,
        ListEntity::Subscribers => count_in::<SubscriberField>(pool, list, today, tz).await,
    }
}

async fn count_in<F: GridSource>(
    pool: &PgPool,
    list: &Stored,
    today: NaiveDate,
    tz: Tz,
) -> Result<i64> {
    let query = parse::<F>(&list.query(today), today)?;
    // The records the filter matches, less the removed ones it matches: two counts rather
    // than one with `not exists (removed)`, which made Postgres visit every matching row of
    // the (wide) table to probe the removed ones, where the first count alone is an
    // index-only range and the second starts from the few removed records.
    let mut qb = QueryBuilder::new("select (select count(*) from ");
    qb.push(F::TABLE);
    push_matching(&mut qb, list, &query, tz)?;
    qb.push(") - (select count(*) from marketing_list_removed r join ");
    qb.push(F::TABLE);
    qb.push(" on c.id = r.record_id");
    push_matching(&mut qb, list, &query, tz)?;
    qb.push(" and r.list_id = ").push_bind(list.id).push(")");
    Ok(qb.build_query_scalar::<i64>().fetch_one(pool).await?)
}

/// Members per page.
pub const PER_PAGE: i64 = 50;

/// A page of the list's members (newest records first), its total and how many were removed.
pub async fn page(pool: &PgPool, id: i64, page: i64, today: NaiveDate, tz: Tz) -> Result<ListPage> {
    let list = stored(pool, id).await?;
    let page = page.clamp(1, 1_000_000);
    let offset = (page - 1) * PER_PAGE;
    let (members, total) = match list.entity {
        ListEntity::Customers => {
            members_in::<CustomerField>(pool, &list, Some((PER_PAGE, offset)), today, tz).await?
        }
        ListEntity::Carts => {
            members_in::<CartField>(pool, &list, Some((PER_PAGE, offset)), today, tz).await?
        }
        ListEntity::Subscribers => {
            members_in::<SubscriberField>(pool, &list, Some((PER_PAGE, offset)), today, tz).await?
        }
    };
    let removed = sqlx::query_scalar!(
        r#"select count(*) as "n!" from marketing_list_removed where list_id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    Ok(ListPage {
        list: list.summary(Some(total), today, tz),
        members,
        total,
        page,
        per_page: PER_PAGE,
        removed,
    })
}

/// `select <member columns> from <the list's rows> c <joins>`, onto `qb`.
fn push_member_select<F: MemberSource>(
    qb: &mut QueryBuilder<'static, Postgres>,
    list: &Stored,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<()> {
    qb.push("select ");
    qb.push(F::MEMBER_SELECT);
    qb.push(COMMON);
    push_members_from(qb, list, query, tz)?;
    qb.push(F::MEMBER_JOINS);
    qb.push(" left join marketing_list_contacts k on k.list_id = ")
        .push_bind(list.id)
        .push(" and k.email_key = lower(c.email)");
    Ok(())
}

/// The members fit for email: an address, and not unsubscribed.
const EMAILABLE: &str = ") m where coalesce(trim(m.email), '') <> '' and not m.unsubscribed";

async fn members_in<F: MemberSource>(
    pool: &PgPool,
    list: &Stored,
    limit: Option<(i64, i64)>,
    today: NaiveDate,
    tz: Tz,
) -> Result<(Vec<ListMember>, i64)> {
    let query = parse::<F>(&list.query(today), today)?;
    let mut qb = QueryBuilder::new("");
    push_member_select(&mut qb, list, &query, tz)?;
    qb.push(" order by c.id desc");
    if let Some((limit, offset)) = limit {
        qb.push(" limit ").push_bind(limit);
        qb.push(" offset ").push_bind(offset);
    }
    let rows = qb.build_query_as::<MemberRow>().fetch_all(pool);
    let total = count_in::<F>(pool, list, today, tz);
    let (rows, total) = futures::try_join!(async { rows.await.map_err(Error::from) }, total)?;
    Ok((rows.into_iter().map(|r| r.member(tz)).collect(), total))
}

/// Freezes a static list's members as its filter matches them now (removed members stay
/// removed). Refuses dynamic lists (they are always current).
pub async fn refresh(pool: &PgPool, id: i64, today: NaiveDate, tz: Tz) -> Result<u64> {
    let list = stored(pool, id).await?;
    if list.kind != ListKind::Static {
        return Err(Error::Conflict(
            "A dynamic list is recomputed whenever it is read: there is nothing to refresh.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from marketing_list_members where list_id = $1", id)
        .execute(&mut *tx)
        .await?;
    let mut qb =
        QueryBuilder::new("insert into marketing_list_members (list_id, record_id) select ");
    qb.push_bind(id);
    qb.push(", c.id from ");
    let inserted = match list.entity {
        ListEntity::Customers => {
            let q = parse::<CustomerField>(&list.query(today), today)?;
            qb.push(CustomerField::TABLE);
            crate::grid::push_where(&mut qb, &q, tz)?;
            qb.build().execute(&mut *tx).await?
        }
        ListEntity::Carts => {
            let q = parse::<CartField>(&list.query(today), today)?;
            qb.push(CartField::TABLE);
            crate::grid::push_where(&mut qb, &q, tz)?;
            qb.build().execute(&mut *tx).await?
        }
        ListEntity::Subscribers => {
            let q = parse::<SubscriberField>(&list.query(today), today)?;
            qb.push(SubscriberField::TABLE);
            crate::grid::push_where(&mut qb, &q, tz)?;
            qb.build().execute(&mut *tx).await?
        }
    };
    sqlx::query!(
        "update marketing_lists set refreshed_at = now() where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(inserted.rows_affected())
}

/// Takes a member off a list without touching the record; `back` puts it back.
pub async fn remove_member(
    pool: &PgPool,
    list: i64,
    record: i64,
    user: i64,
    back: bool,
) -> Result<()> {
    stored(pool, list).await?;
    if back {
        sqlx::query!(
            "delete from marketing_list_removed where list_id = $1 and record_id = $2",
            list,
            record
        )
        .execute(pool)
        .await?;
    } else {
        sqlx::query!(
            r#"insert into marketing_list_removed (list_id, record_id, removed_by)
               values ($1, $2, $3) on conflict do nothing"#,
            list,
            record,
            user
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Deletes a user's list (built-ins stay).
pub async fn delete(pool: &PgPool, id: i64) -> Result<()> {
    let list = stored(pool, id).await?;
    if list.builtin.is_some() {
        return Err(Error::Conflict("Built-in lists cannot be deleted.".into()));
    }
    sqlx::query!("delete from marketing_lists where id = $1", id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The list's name and entity, for an export's file name.
pub async fn describe(pool: &PgPool, id: i64) -> Result<(String, ListEntity)> {
    let list = stored(pool, id).await?;
    Ok((list.name, list.entity))
}

/// Every member usable for email (an email, not unsubscribed), streamed. With `contacted`, the
/// export counts as a contact of each person first (one per email).
pub async fn export(
    pool: PgPool,
    id: i64,
    contacted: bool,
    today: NaiveDate,
    tz: Tz,
) -> Result<impl Stream<Item = Result<ListMember>> + Send + 'static> {
    let list = stored(&pool, id).await?;
    if contacted {
        let mut qb = QueryBuilder::new(
            "insert into marketing_list_contacts (list_id, email_key, contacted_times, \
             last_contacted_at) select ",
        );
        qb.push_bind(id);
        qb.push(", e.email_key, 1, now() from (select distinct lower(m.email) as email_key from (");
        match list.entity {
            ListEntity::Customers => {
                let q = parse::<CustomerField>(&list.query(today), today)?;
                push_member_select(&mut qb, &list, &q, tz)?;
            }
            ListEntity::Carts => {
                let q = parse::<CartField>(&list.query(today), today)?;
                push_member_select(&mut qb, &list, &q, tz)?;
            }
            ListEntity::Subscribers => {
                let q = parse::<SubscriberField>(&list.query(today), today)?;
                push_member_select(&mut qb, &list, &q, tz)?;
            }
        }
        qb.push(EMAILABLE);
        qb.push(
            ") e on conflict (list_id, email_key) do update set \
             contacted_times = marketing_list_contacts.contacted_times + 1, \
             last_contacted_at = now()",
        );
        qb.build().execute(&pool).await?;
    }
    let rows: futures::stream::BoxStream<'static, Result<ListMember>> = match list.entity {
        ListEntity::Customers => stream_members::<CustomerField>(pool, list, today, tz)?,
        ListEntity::Carts => stream_members::<CartField>(pool, list, today, tz)?,
        ListEntity::Subscribers => stream_members::<SubscriberField>(pool, list, today, tz)?,
    };
    Ok(rows)
}

fn stream_members<F: MemberSource>(
    pool: PgPool,
    list: Stored,
    today: NaiveDate,
    tz: Tz,
) -> Result<futures::stream::BoxStream<'static, Result<ListMember>>> {
    let query = parse::<F>(&list.query(today), today)?;
    Ok(async_stream::try_stream! {
        let mut qb = QueryBuilder::new("select * from (");
        push_member_select(&mut qb, &list, &query, tz)?;
        qb.push(EMAILABLE);
        qb.push(" order by m.record_id desc");
        let mut tx = pool.begin().await?;
        sqlx::query(&format!(
            "set local statement_timeout = '{}s'",
            crate::grid::EXPORT_LIMIT.as_secs()
        ))
        .execute(&mut *tx)
        .await?;
        let mut rows = qb.build_query_as::<MemberRow>().fetch(&mut *tx).map_err(Error::from);
        while let Some(row) = rows.next().await {
            yield row?.member(tz);
        }
    }
    .boxed())
}
