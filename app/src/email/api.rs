//! Email server functions: reading templates needs `ReadData`, keeping them `ManageLists`
//! (Administrator, Marketing), sending a cart's email `Activities` (Administrator, Sales).

use domain::AppError;
use domain::email_template::TemplateInput;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplate {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub body: String,
}

/// An email as it would go out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreview {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The "Send email" panel: the templates to choose from and the chosen one filled in for the
/// cart (`preview` None: there is no template yet).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailComposer {
    pub templates: Vec<(i64, String)>,
    pub template: Option<i64>,
    pub preview: Option<EmailPreview>,
}

#[server(input = GetUrl, output = Postcard, endpoint = "list_email_templates")]
pub async fn list_email_templates() -> Result<Vec<EmailTemplate>, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    let all =
        crate::grids::server::answer(store::email_templates::all(&crate::server::pool()?).await)?;
    Ok(all
        .into_iter()
        .map(|t| EmailTemplate {
            id: t.id,
            name: t.name,
            subject: t.subject,
            body: t.body,
        })
        .collect())
}

/// Creates (`id` None) or changes a template; returns its id.
#[server(input = Json, output = Postcard, endpoint = "save_email_template")]
pub async fn save_email_template(
    id: Option<i64>,
    template: TemplateInput,
) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    template.check()?;
    let saved = crate::grids::server::answer(
        store::email_templates::save(&crate::server::pool()?, id, &template, user.id).await,
    )?;
    tracing::info!(by = user.id, template = saved, "email template saved");
    Ok(saved)
}

#[server(output = Postcard, endpoint = "delete_email_template")]
pub async fn delete_email_template(id: i64) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageLists)?;
    crate::grids::server::answer(
        store::email_templates::delete(&crate::server::pool()?, id).await,
    )?;
    tracing::info!(by = user.id, template = id, "email template deleted");
    Ok(())
}

#[cfg(feature = "ssr")]
async fn rendered(cart: i64, template: i64) -> Result<EmailPreview, AppError> {
    let pool = crate::server::pool()?;
    let context =
        crate::grids::server::answer(store::email_templates::cart_context(&pool, cart).await)?;
    let template =
        crate::grids::server::answer(store::email_templates::get(&pool, template).await)?;
    let Some(to) = context.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Err(AppError::Conflict(
            "This cart has no email address: there is nobody to write to.".into(),
        ));
    };
    let (subject, body) =
        domain::email_template::render(&template.subject, &template.body, &context)?;
    Ok(EmailPreview { to, subject, body })
}

/// The templates, and one (`template`, else the first) filled in for this cart as it would be
/// sent.
#[server(input = GetUrl, output = Postcard, endpoint = "preview_cart_email")]
pub async fn preview_cart_email(
    cart: i64,
    template: Option<i64>,
) -> Result<EmailComposer, AppError> {
    crate::auth::server::require(domain::Permission::Activities)?;
    let pool = crate::server::pool()?;
    let templates: Vec<(i64, String)> =
        crate::grids::server::answer(store::email_templates::all(&pool).await)?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
    let template = template.or(templates.first().map(|t| t.0));
    let preview = match template {
        Some(t) => Some(rendered(cart, t).await?),
        None => None,
    };
    Ok(EmailComposer {
        templates,
        template,
        preview,
    })
}

/// Sends the template filled in for this cart to its shopper. A delivered email is the
/// follow-up's contact (on the timeline with the mail server's answer); one that was not
/// delivered is on the timeline too, with the reason, and the reason is the error shown.
#[server(input = Json, output = Postcard, endpoint = "send_cart_email")]
pub async fn send_cart_email(cart: i64, template: i64) -> Result<String, AppError> {
    use domain::follow_up::{CartAction, Contact, ContactChannel};
    let user = crate::auth::server::require(domain::Permission::Activities)?;
    let Some(mailer) = crate::server::mailer() else {
        return Err(AppError::Conflict(
            "This installation does not send email (no SMTP settings): log the email instead."
                .into(),
        ));
    };
    let pool = crate::server::pool()?;
    let email = rendered(cart, template).await?;
    let Some(_lock) =
        crate::grids::server::answer(store::email_templates::lock_sending(&pool, cart).await)?
    else {
        return Err(AppError::Conflict(
            "An email to this shopper is being sent right now.".into(),
        ));
    };
    if let Some(at) = crate::grids::server::answer(
        store::email_templates::recently_sent(&pool, cart, &email.subject).await,
    )? {
        let tz = crate::timezone::server::current();
        let when = store::grid::local_time(Some(at), tz)
            .map(|t| t.display())
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "This email was already sent to {} at {when}.",
            email.to
        )));
    }
    match mailer.send(&email.to, &email.subject, &email.body).await {
        Ok(delivery) => {
            let outcome: String = format!("Sent: {}", delivery.response)
                .chars()
                .take(100)
                .collect();
            tracing::info!(by = user.id, cart, template, "cart email sent");
            let contact = CartAction::Contact(Contact {
                channel: ContactChannel::Email,
                outcome: outcome.clone(),
                note: email.body.clone(),
                next_on: String::new(),
                subject: email.subject.clone(),
            });
            let actor = store::follow_ups::Actor {
                id: user.id,
                name: user.name.clone(),
                admin: user.role == domain::Role::Administrator,
            };
            let today = crate::activities::server::today();
            // The email went out whatever the follow-up allows: a cart whose follow-up cannot
            // take a contact (closed meanwhile) still shows it on its timeline.
            if let Err(e) = store::follow_ups::act(&pool, cart, &actor, &contact, today).await {
                tracing::info!(cart, error = %e, "sent email recorded outside the follow-up");
                crate::grids::server::answer(
                    store::email_templates::record_email(
                        &pool,
                        cart,
                        user.id,
                        &email.subject,
                        &email.body,
                        &outcome,
                    )
                    .await,
                )?;
            }
            Ok(delivery.response)
        }
        Err(e) => {
            tracing::warn!(by = user.id, cart, template, error = %e, "cart email not sent");
            let why = e.to_string();
            crate::grids::server::answer(
                store::email_templates::record_email(
                    &pool,
                    cart,
                    user.id,
                    &email.subject,
                    &email.body,
                    &format!("Not sent: {why}"),
                )
                .await,
            )?;
            Err(AppError::Unavailable(why))
        }
    }
}
