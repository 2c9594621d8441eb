//! Two-way customers: a user's edit merged with the store's current customer and saved, a new
//! customer created, a newsletter subscription changed. Each re-reads the store first (no
//! stale value is ever sent back), records the exact body on the action, and re-reads the
//! customer after, so the CRM's copy — the next edit's base — is the store's truth and the
//! change coming back is not taken for a store-side edit.

use super::customer_json as body;
use super::step::{Step, refusal};
use anyhow::Result;
use domain::Entity;
use domain::actions::{ActionCommand, ActionResult, NewCustomer};
use domain::customer_edit::{CustomerEdit, MergeRules, merge};
use magento::StoreWrite;
use serde_json::Value;
use store::store_actions::{Outcome, Targets};

/// The store's customer, or why the action stops before sending anything.
async fn read_customer(step: &mut Step<'_>, customer: i64) -> Result<Result<Value, Outcome>> {
    step.note(&format!(
        "GET /V1/customers/{customer} (re-read before saving)"
    ))
    .await?;
    match step.ctx.client.get_customer_json(customer).await {
        Ok(json) => Ok(Ok(json)),
        Err(e @ magento::Error::NotFound { .. }) if !e.is_missing_route() => {
            Ok(Err(gone(step, customer).await?))
        }
        Err(e) => Ok(Err(Outcome::failed(format!(
            "Cartwise could not read the customer from the store, so nothing was sent: {e}. \
             Try again in a moment."
        )))),
    }
}

/// A save refused because the customer itself is gone (deleted in the store meanwhile), not
/// because of something it names, like a customer group that does not exist.
fn customer_gone(e: &magento::Error) -> bool {
    matches!(e, magento::Error::NotFound { .. })
        && e.store_message().is_some_and(|m| {
            m.rendered().contains("customerId")
                || m.parameters
                    .as_ref()
                    .and_then(|p| p.get("fieldName"))
                    .is_some_and(|f| f == "customerId")
        })
}

/// The store no longer has the customer: the CRM marks it removed, nothing is sent.
async fn gone(step: &Step<'_>, customer: i64) -> Result<Outcome> {
    let crm = store::customer_edit::mark_removed(step.pool(), step.channel_id(), customer).await?;
    let mut outcome = Outcome::failed(format!(
        "The store no longer has customer {customer} (it was deleted there). Cartwise marked it \
         removed; the change was not sent."
    ));
    outcome.targets.customer_id = crm;
    Ok(outcome)
}

async fn targets(step: &Step<'_>, customer: i64) -> Result<Targets> {
    Ok(Targets {
        customer_id: store::checkout::crm_id(
            step.pool(),
            step.channel_id(),
            Entity::Customers,
            customer,
        )
        .await?,
        ..Targets::default()
    })
}

/// A save the store did not take: the customer is gone (marked removed), the answer was lost
/// (re-read), or the store refused (its words, next to the field they name).
async fn failed_save(
    step: &Step<'_>,
    command: &ActionCommand,
    customer: i64,
    e: &magento::Error,
) -> Result<Outcome> {
    if customer_gone(e) {
        return gone(step, customer).await;
    }
    if e.outcome_unknown() {
        return no_answer(step, customer, e).await;
    }
    let mut outcome = refusal(command, e);
    outcome.targets = targets(step, customer).await?;
    Ok(outcome)
}

/// No answer came back for a save: it may or may not have been applied. The customer is read
/// again so the page shows what the store holds.
async fn no_answer(step: &Step<'_>, customer: i64, e: &magento::Error) -> Result<Outcome> {
    step.reread(Entity::Customers, &[customer]).await;
    let mut outcome = Outcome::failed(format!(
        "No answer came back from the store ({e}), so the change may or may not have been \
         saved. The customer was read again from the store: check it before trying again."
    ));
    outcome.targets = targets(step, customer).await?;
    Ok(outcome)
}

pub async fn update(
    step: &mut Step<'_>,
    command: &ActionCommand,
    customer: i64,
    edit: &CustomerEdit,
    force: bool,
) -> Result<Outcome> {
    let rules = store::customer_edit::rules(step.pool(), step.channel_id()).await?;
    if !rules.two_way {
        return Ok(Outcome::failed(
            "Two-way sync is off for this channel: Cartwise does not change its customers.",
        ));
    }
    let remote_json = match read_customer(step, customer).await? {
        Ok(json) => json,
        Err(outcome) => return Ok(outcome),
    };
    let remote = body::remote(&remote_json);
    let merged = merge(
        edit,
        &remote,
        &MergeRules {
            priority: rules.priority,
            owners: &rules.owners,
            force,
        },
    );
    let mut full_object = false;
    if !merged.sends_nothing() {
        let mut sent = body::partial(customer, &remote_json, &merged);
        let mut answer = step
            .send(&StoreWrite::save_customer(customer, sent.clone()))
            .await?;
        if let Err(e) = &answer
            && body::wants_whole_customer(e)
        {
            // Magento 2.4.0 or older: it saves the body as the whole customer.
            full_object = true;
            sent = body::full(customer, &remote_json, &merged);
            answer = step
                .send(&StoreWrite::save_customer(customer, sent.clone()))
                .await?;
        }
        let mut pending = Vec::new();
        if let Err(e) = &answer
            && body::refuses_default_flags(e)
        {
            // Magento 2.4.7 before -p4 (#38878): defaults go on the customer, by id.
            let (stripped, later) = body::without_default_flags(sent);
            pending = later;
            answer = step
                .send(&StoreWrite::save_customer(customer, stripped))
                .await?;
        }
        match answer {
            Ok(saved) => {
                if !pending.is_empty()
                    && let Some(outcome) =
                        set_new_defaults(step, command, customer, &saved, &remote_json, pending)
                            .await?
                {
                    return Ok(outcome);
                }
            }
            Err(e) => return failed_save(step, command, customer, &e).await,
        }
    }
    // The base moves: the CRM's copy becomes what the store now holds.
    step.reread(Entity::Customers, &[customer]).await;
    let mut outcome = Outcome::done(ActionResult::CustomerSaved {
        sent: merged.fields.iter().map(|(f, _)| *f).collect(),
        addresses_sent: merged.addresses.is_some(),
        conflicts: merged.conflicts.clone(),
        full_object,
    });
    outcome.targets = targets(step, customer).await?;
    if !merged.conflicts.is_empty() {
        outcome.rendered = Some(
            merged
                .conflicts
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    Ok(outcome)
}

/// After a save without default flags, makes the new addresses that should be defaults so, by
/// the ids the store just gave them. `None` when done; an outcome when the store refused.
async fn set_new_defaults(
    step: &mut Step<'_>,
    command: &ActionCommand,
    customer: i64,
    saved: &Value,
    before: &Value,
    pending: Vec<body::PendingDefault>,
) -> Result<Option<Outcome>> {
    let known: Vec<i64> = body::remote(before)
        .addresses
        .iter()
        .map(|a| a.magento_id)
        .collect();
    // The save answers the customer; a store that answers less is read again.
    let current = if saved.get("addresses").is_some() {
        saved.clone()
    } else {
        match step.ctx.client.get_customer_json(customer).await {
            Ok(json) => json,
            Err(e) => return Ok(Some(no_answer(step, customer, &e).await?)),
        }
    };
    let mut set = serde_json::Map::new();
    set.insert("id".into(), serde_json::json!(customer));
    for body::PendingDefault::New(key, values) in pending {
        if let Some(id) = body::new_address_id(&current, &values, &known) {
            set.insert(key.into(), serde_json::json!(id.to_string()));
        }
    }
    if set.len() == 1 {
        return Ok(None);
    }
    match step
        .send(&StoreWrite::save_customer(customer, Value::Object(set)))
        .await?
    {
        Ok(_) => Ok(None),
        Err(e) => Ok(Some(failed_save(step, command, customer, &e).await?)),
    }
}

pub async fn create(
    step: &mut Step<'_>,
    command: &ActionCommand,
    new: &NewCustomer,
) -> Result<Outcome> {
    let rules = store::customer_edit::rules(step.pool(), step.channel_id()).await?;
    if !rules.two_way {
        return Ok(Outcome::failed(
            "Two-way sync is off for this channel: Cartwise does not create its customers.",
        ));
    }
    // The store view of the URL is the one the welcome e-mail comes from.
    let code = store::checkout::store_code(step.pool(), step.channel_id(), new.store_id).await?;
    let write = StoreWrite::create_customer(body::new_customer(new)).in_store(code);
    let answer = match step.send(&write).await? {
        Ok(answer) => answer,
        Err(e) if e.outcome_unknown() => {
            return Ok(Outcome::failed(format!(
                "No answer came back from the store ({e}), so the customer may or may not have \
                 been created. Search the store for {} before trying again: a second try is \
                 refused as a duplicate e-mail if the first one went through.",
                new.email.trim()
            )));
        }
        Err(e) => return Ok(refusal(command, &e)),
    };
    let Some(id) = answer.get("id").and_then(magento::answered_id) else {
        return Ok(Outcome::failed(format!(
            "The store answered something other than a customer: {}",
            answer.to_string().chars().take(200).collect::<String>()
        )));
    };
    step.reread(Entity::Customers, &[id]).await;
    if new.subscribe {
        refresh_subscription(step, id).await;
    }
    let targets = targets(step, id).await?;
    let mut outcome = Outcome::done(ActionResult::CustomerCreated {
        magento_id: id,
        crm_customer_id: targets.customer_id,
    });
    outcome.targets = targets;
    Ok(outcome)
}

/// Subscribes or unsubscribes a registered customer through `is_subscribed`, sent only when
/// it changes the store's status: Magento moves only Subscribed to Unsubscribed, and a
/// subscribe may land on "Not activated" or "Unconfirmed" (the store e-mails the shopper).
pub async fn subscription(
    step: &mut Step<'_>,
    command: &ActionCommand,
    customer: i64,
    subscribe: bool,
) -> Result<Outcome> {
    if let Some(off) = one_way(step).await? {
        return Ok(off);
    }
    let remote_json = match read_customer(step, customer).await? {
        Ok(json) => json,
        Err(outcome) => return Ok(outcome),
    };
    let sent = body::is_subscribed(&remote_json) != subscribe;
    if sent {
        let write = StoreWrite::save_customer(
            customer,
            body::subscription(customer, &remote_json, subscribe, false),
        );
        let mut answer = step.send(&write).await?;
        if let Err(e) = &answer
            && body::wants_whole_customer(e)
        {
            let write = StoreWrite::save_customer(
                customer,
                body::subscription(customer, &remote_json, subscribe, true),
            );
            answer = step.send(&write).await?;
        }
        match answer {
            Ok(_) => {}
            Err(e) => return failed_save(step, command, customer, &e).await,
        }
    }
    step.reread(Entity::Customers, &[customer]).await;
    refresh_subscription(step, customer).await;
    let status =
        store::customer_edit::subscription_status(step.pool(), step.channel_id(), customer).await?;
    let mut outcome = Outcome::done(ActionResult::Subscription { status, sent });
    outcome.targets = targets(step, customer).await?;
    Ok(outcome)
}

/// A guest subscriber (no account) through the companion module's route.
pub async fn guest_subscription(
    step: &mut Step<'_>,
    command: &ActionCommand,
    subscriber: i64,
    subscribe: bool,
) -> Result<Outcome> {
    if let Some(off) = one_way(step).await? {
        return Ok(off);
    }
    let write = StoreWrite::set_subscriber_status(subscriber, if subscribe { 1 } else { 3 });
    match step.send(&write).await? {
        Ok(answer) => {
            let status = answer
                .get("subscriber_status")
                .and_then(magento::answered_id)
                .map(|s| s as i16);
            step.reread(Entity::NewsletterSubscribers, &[subscriber])
                .await;
            let mut outcome = Outcome::done(ActionResult::Subscription { status, sent: true });
            outcome.targets.subscriber_id = store::checkout::crm_id(
                step.pool(),
                step.channel_id(),
                Entity::NewsletterSubscribers,
                subscriber,
            )
            .await?;
            Ok(outcome)
        }
        Err(e) if e.is_missing_route() => Ok(Outcome::failed(
            "This store has no route to change a guest's subscription (core Magento has none; \
             the Cartwise companion module adds it). Change it in the store's admin.",
        )),
        Err(e) => Ok(refusal(command, &e)),
    }
}

/// On a one-way channel Cartwise changes nothing in the store's customers.
async fn one_way(step: &Step<'_>) -> Result<Option<Outcome>> {
    let rules = store::customer_edit::rules(step.pool(), step.channel_id()).await?;
    Ok((!rules.two_way).then(|| {
        Outcome::failed(
            "Two-way sync is off for this channel: Cartwise does not change its customers or \
             their subscriptions.",
        )
    }))
}

/// Brings the CRM's subscriber row of a customer up to date after a change.
async fn refresh_subscription(step: &Step<'_>, customer: i64) {
    if let Err(e) = crate::worker::reread_customer_subscription(step.ctx, customer).await {
        tracing::warn!(channel = step.channel_id(), customer, error = %format!("{e:#}"), "could not re-read a subscription");
    }
}
