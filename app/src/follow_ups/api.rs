//! Follow-ups' server functions: acting needs `Activities` (Administrator, Sales); the report
//! needs `ReadReports`.

use domain::AppError;
use domain::CartStatus;
use domain::follow_up::CartAction;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
fn actor(user: &domain::CurrentUser) -> store::follow_ups::Actor {
    store::follow_ups::Actor {
        id: user.id,
        name: user.name.clone(),
        admin: user.role == domain::Role::Administrator,
    }
}

/// Claims, contacts, closes or reopens a cart's follow-up. Returns the cart's status after it.
#[server(input = Json, output = Postcard, endpoint = "follow_up_cart")]
pub async fn follow_up_cart(cart: i64, action: CartAction) -> Result<CartStatus, AppError> {
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let pool = crate::server::pool()?;
    let today = crate::activities::server::today();
    let event = action.event();
    let done = crate::grids::server::answer(
        store::follow_ups::act(&pool, cart, &actor(&user), &action, today).await,
    )?;
    tracing::info!(by = user.id, cart, ?event, step = ?done.step, "cart follow-up");
    Ok(done.status)
}

/// Records an order's feedback: a rating 1–5 and what the customer said.
#[server(input = Json, output = Postcard, endpoint = "record_order_feedback")]
pub async fn record_order_feedback(
    order: i64,
    rating: i16,
    feedback: String,
) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let pool = crate::server::pool()?;
    crate::grids::server::answer(
        store::follow_ups::record_feedback(&pool, order, &actor(&user), rating, &feedback).await,
    )?;
    tracing::info!(by = user.id, order, rating, "order feedback recorded");
    Ok(())
}

/// A line of the Customer feedback report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackLine {
    pub order_id: i64,
    pub order_label: String,
    pub customer_id: Option<i64>,
    pub customer: String,
    pub channel: String,
    pub rating: i16,
    pub feedback: String,
    pub contacted_at: Option<domain::grid::LocalTime>,
    pub contacted_by: Option<String>,
}

/// The report: feedback recorded over the last `days` days, newest first, its average and
/// the count per rating; and the orders still waiting for a call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackReport {
    pub lines: Vec<FeedbackLine>,
    /// Count of ratings 1 to 5.
    pub per_rating: [i64; 5],
    /// Average rating ×100 (no float rounding on the wire).
    pub average_x100: Option<i64>,
    /// Orders with a follow-up not yet contacted: (id, label, customer).
    pub waiting: Vec<(i64, String, String)>,
}

#[server(input = GetUrl, output = Postcard, endpoint = "get_feedback_report")]
pub async fn get_feedback_report(days: i64) -> Result<FeedbackReport, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    if !(1..=3660).contains(&days) {
        return Err(AppError::invalid("days", "Choose from 1 to 3,660 days."));
    }
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let now = chrono::Utc::now();
    let from = now - chrono::Duration::days(days);
    let lines = crate::grids::server::answer(
        store::follow_ups::feedback(
            &pool,
            None,
            None,
            from,
            now + chrono::Duration::minutes(1),
            1000,
        )
        .await,
    )?;
    let waiting = crate::grids::server::answer(store::follow_ups::open_orders(&pool, 200).await)?;
    let mut per_rating = [0i64; 5];
    for l in &lines {
        if let Some(n) = per_rating.get_mut(usize::try_from(l.rating - 1).unwrap_or(9)) {
            *n += 1;
        }
    }
    let sum: i64 = lines.iter().map(|l| i64::from(l.rating)).sum();
    let average_x100 = (!lines.is_empty()).then(|| sum * 100 / lines.len() as i64);
    Ok(FeedbackReport {
        lines: lines.into_iter().map(|l| feedback_line(l, tz)).collect(),
        per_rating,
        average_x100,
        waiting,
    })
}

/// An opportunity's page.
#[server(input = GetUrl, output = Postcard, endpoint = "get_opportunity")]
pub async fn get_opportunity(id: i64) -> Result<domain::follow_up::OpportunityDetail, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(
        store::opportunities::detail(&crate::server::pool()?, id, tz).await,
    )
}

/// Saves an opportunity's name, stage, probability, budget, close date and notes.
#[server(input = Json, output = Postcard, endpoint = "save_opportunity")]
pub async fn save_opportunity(
    id: i64,
    form: domain::follow_up::OpportunityForm,
) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let today = crate::activities::server::today();
    crate::grids::server::answer(
        store::opportunities::update(&crate::server::pool()?, id, &form, today).await,
    )?;
    tracing::info!(by = user.id, opportunity = id, "opportunity saved");
    Ok(())
}

#[cfg(feature = "ssr")]
fn feedback_line(l: store::follow_ups::FeedbackLine, tz: store::grid::Tz) -> FeedbackLine {
    FeedbackLine {
        order_id: l.order_id,
        order_label: l.order_label,
        customer_id: l.customer_id,
        customer: l.customer,
        channel: l.channel,
        rating: l.rating,
        feedback: l.feedback,
        contacted_at: store::grid::local_time(Some(l.contacted_at), tz),
        contacted_by: l.contacted_by,
    }
}

/// A customer's order feedback, newest first (the customer page's Feedback tab).
#[server(input = GetUrl, output = Postcard, endpoint = "get_customer_feedback")]
pub async fn get_customer_feedback(customer: i64) -> Result<Vec<FeedbackLine>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let now = chrono::Utc::now();
    let lines = crate::grids::server::answer(
        store::follow_ups::feedback(
            &pool,
            None,
            Some(customer),
            now - chrono::Duration::days(36_600),
            now + chrono::Duration::minutes(1),
            500,
        )
        .await,
    )?;
    Ok(lines.into_iter().map(|l| feedback_line(l, tz)).collect())
}
