//! Opportunities: a cart converted into a sale the team works on (created by
//! `follow_ups::act`); read and edited here.

use crate::grid::{Tz, local_time};
use crate::{Error, Result};
use chrono::NaiveDate;
use domain::follow_up::{OpportunityDetail, OpportunityForm};
use sqlx::PgPool;

pub async fn detail(pool: &PgPool, id: i64, tz: Tz) -> Result<OpportunityDetail> {
    let r = sqlx::query!(
        r#"select o.id, ch.name as channel, o.name, o.cart_id, k.magento_id as "cart_magento_id?",
               o.customer_id,
               coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''), cu.email)
                   as "customer_name?",
               o.owner_id, u.name as "owner_name?", o.budget, o.currency, o.close_on, o.stage,
               o.probability, o.notes, cb.name as "created_by?", o.created_at, o.updated_at
           from opportunities o
           join channels ch on ch.id = o.channel_id
           left join carts k on k.id = o.cart_id
           left join customers cu on cu.id = o.customer_id
           left join users u on u.id = o.owner_id
           left join users cb on cb.id = o.created_by
           where o.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(OpportunityDetail {
        id: r.id,
        channel: r.channel,
        name: r.name,
        cart: r.cart_id.zip(r.cart_magento_id),
        customer: r.customer_id.zip(r.customer_name),
        owner: r.owner_id.zip(r.owner_name),
        budget: r.budget,
        currency: r.currency,
        close_on: r.close_on,
        stage: r.stage,
        probability: r.probability,
        notes: r.notes,
        created_by: r.created_by,
        created_at: local_time(Some(r.created_at), tz),
        updated_at: local_time(Some(r.updated_at), tz),
    })
}

/// Saves the form over opportunity `id`; the owner must be an active user.
pub async fn update(
    pool: &PgPool,
    id: i64,
    form: &OpportunityForm,
    today: NaiveDate,
) -> Result<()> {
    let input = form.validate(today).map_err(|e| match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("opportunity", other.to_string()),
    })?;
    if let Some(owner) = form.owner {
        let active = sqlx::query_scalar!("select is_active from users where id = $1", owner)
            .fetch_optional(pool)
            .await?;
        if active != Some(true) {
            return Err(Error::invalid("owner", "Choose an active user."));
        }
    }
    let done = sqlx::query!(
        r#"update opportunities set name = $2, owner_id = coalesce($3, owner_id), budget = $4,
               close_on = $5, stage = $6, probability = $7, notes = $8, updated_at = now()
           where id = $1"#,
        id,
        input.name,
        form.owner,
        input.budget,
        input.close_on,
        input.stage,
        input.probability,
        input.notes
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
