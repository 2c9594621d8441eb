//! `cartwise customer update` and `cartwise subscriber set`: the customer form's path from a
//! shell (each queues a store action and waits for it). The merge's base is the CRM's copy of
//! the customer, as in the form; conflicts are printed; a store's refusal exits non-zero with
//! its message.

use crate::cli::{CustomerCommand, GlobalArgs, SubscriberCommand, SubscriptionArg};
use anyhow::{Context, Result, bail};
use domain::actions::{ActionCommand, ActionResult, ActionState, ActionView};
use domain::customer_edit::{CustomerEdit, CustomerField, FieldChange};
use std::sync::Arc;
use store::PgPool;
use store::store_actions::{NewAction, Targets};
use sync::outbound::Actions;

pub async fn run(global: GlobalArgs, cmd: CustomerCommand) -> Result<()> {
    with_actions(global, |pool, actions| async move {
        match cmd {
            CustomerCommand::Update {
                channel,
                magento_id,
                set,
                force,
                json,
            } => update(&pool, &actions, &channel, magento_id, &set, force, json).await,
            CustomerCommand::BulkUpdate {
                channel,
                group,
                set,
                concurrency,
            } => {
                let channel = super::channel_by_name(&pool, &channel).await?;
                if !channel.settings.two_way {
                    bail!(
                        "two-way sync is off for channel {:?}",
                        channel.settings.name
                    );
                }
                let sets = parse_sets(&set)?;
                let report = bulk_update(
                    &pool,
                    &actions,
                    channel.id,
                    group,
                    &sets,
                    concurrency,
                    |n| {
                        if n % 500 == 0 {
                            eprintln!("{n} customers done");
                        }
                    },
                )
                .await?;
                println!("{report}");
                if report.failed > 0 {
                    bail!(
                        "{} edit(s) failed: see System › Store actions",
                        report.failed
                    );
                }
                Ok(())
            }
        }
    })
    .await
}

pub async fn run_subscriber(global: GlobalArgs, cmd: SubscriberCommand) -> Result<()> {
    with_actions(global, |pool, actions| async move {
        match cmd {
            SubscriberCommand::Set {
                channel,
                magento_customer_id,
                status,
                json,
            } => {
                let (channel_id, targets) =
                    customer_of(&pool, &channel, magento_customer_id).await?;
                let command = ActionCommand::Subscription {
                    customer: Some(magento_customer_id),
                    subscriber: None,
                    subscribe: status == SubscriptionArg::Subscribed,
                };
                let view = submit(&pool, &actions, channel_id, command, targets).await?;
                report(&view, json)
            }
        }
    })
    .await
}

async fn with_actions<F, Fut>(global: GlobalArgs, body: F) -> Result<()>
where
    F: FnOnce(PgPool, Arc<Actions>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let (db, cipher) = super::open(&global).await?;
    let actions = Actions::new(
        db.pool.clone(),
        cipher,
        sync::connect::ClientOptions::default(),
    );
    let result = body(db.pool.clone(), Arc::clone(&actions)).await;
    actions.settle().await;
    db.close().await?;
    result
}

/// The channel and the CRM customer of a Magento customer id, refused as the form refuses.
async fn customer_of(pool: &PgPool, channel: &str, magento_id: i64) -> Result<(i64, Targets)> {
    let channel = super::channel_by_name(pool, channel).await?;
    if !channel.settings.two_way {
        bail!(
            "two-way sync is off for channel {:?}: turn it on with `cartwise channel edit {:?} --two-way on`",
            channel.settings.name,
            channel.settings.name
        );
    }
    let crm = store::checkout::customer_by_magento_id(pool, channel.id, magento_id)
        .await?
        .with_context(|| {
            format!(
                "no customer {magento_id} in channel {:?} (sync the channel first)",
                channel.settings.name
            )
        })?;
    Ok((
        channel.id,
        Targets {
            customer_id: Some(crm.id),
            ..Targets::default()
        },
    ))
}

async fn update(
    pool: &PgPool,
    actions: &Arc<Actions>,
    channel: &str,
    magento_id: i64,
    set: &[String],
    force: bool,
    json: bool,
) -> Result<()> {
    let (channel_id, targets) = customer_of(pool, channel, magento_id).await?;
    let form = store::customer_edit::form(pool, targets.customer_id.expect("a customer")).await?;
    if let Some(why) = &form.read_only {
        bail!("{why}");
    }
    let mut edit = CustomerEdit::default();
    for pair in set {
        let (field, value) = pair.split_once('=').with_context(|| {
            format!("--set takes FIELD=VALUE, like email=ann@example.com (got {pair:?})")
        })?;
        let field = field
            .trim()
            .parse::<CustomerField>()
            .map_err(anyhow::Error::msg)?;
        let to = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let from = form.value(field).map(str::to_owned);
        edit.fields.retain(|c| c.field != field);
        edit.fields.push(FieldChange { field, from, to });
    }
    // A value the CRM already holds is no change (the store may still differ: `--force`
    // sends what is given even then).
    if !force {
        edit.fields.retain(|c| c.from != c.to);
        if edit.is_empty() {
            println!("Nothing to change: Cartwise's copy already holds these values.");
            return Ok(());
        }
    } else {
        for c in &mut edit.fields {
            if c.from == c.to {
                // Make the merge see a change: the base becomes "unknown" (empty).
                c.from = None;
            }
        }
    }
    let command = ActionCommand::CustomerUpdate {
        customer: magento_id,
        edit,
        force,
    };
    let view = submit(pool, actions, channel_id, command, targets).await?;
    report(&view, json)
}

/// `FIELD=VALUE` pairs (the last one of a field stands); an empty VALUE is "empty it".
fn parse_sets(set: &[String]) -> Result<Vec<(CustomerField, Option<String>)>> {
    let mut out: Vec<(CustomerField, Option<String>)> = Vec::new();
    for pair in set {
        let (field, value) = pair.split_once('=').with_context(|| {
            format!("--set takes FIELD=VALUE, like email=ann@example.com (got {pair:?})")
        })?;
        let field = field
            .trim()
            .parse::<CustomerField>()
            .map_err(anyhow::Error::msg)?;
        let to = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        domain::customer_edit::validate_field(
            field,
            to.as_deref(),
            chrono::Utc::now().date_naive(),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        out.retain(|(f, _)| *f != field);
        out.push((field, to));
    }
    Ok(out)
}

/// What a bulk edit did.
#[derive(Clone, Copy, Debug, Default)]
pub struct BulkReport {
    pub customers: usize,
    pub done: usize,
    /// Already held the values: nothing was sent.
    pub unchanged: usize,
    pub failed: usize,
    pub conflicts: usize,
    pub elapsed: std::time::Duration,
}

impl std::fmt::Display for BulkReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} customers in {:.1} s ({:.0}/s): {} saved in the store, {} already had the values, {} failed, {} conflict(s)",
            self.customers,
            self.elapsed.as_secs_f64(),
            self.customers as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.done,
            self.unchanged,
            self.failed,
            self.conflicts
        )
    }
}

/// Sets `sets` on every registered customer of a channel (of customer group `group` when
/// given): one store action per customer, merged with the store's record as a single edit is,
/// `concurrency` at a time. The selection is read a page at a time and at most `concurrency`
/// actions are in flight, so memory stays flat whatever the number of customers.
pub async fn bulk_update(
    pool: &PgPool,
    actions: &Arc<Actions>,
    channel_id: i64,
    group: Option<i64>,
    sets: &[(CustomerField, Option<String>)],
    concurrency: usize,
    mut progress: impl FnMut(usize),
) -> Result<BulkReport> {
    use futures::StreamExt;
    const PAGE: i64 = 500;
    let started = std::time::Instant::now();
    let mut report = BulkReport::default();
    let mut after = 0;
    loop {
        let page = store::customer_edit::bases(pool, channel_id, group, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let edits = page.into_iter().filter_map(|c| {
            let fields: Vec<FieldChange> = sets
                .iter()
                .filter(|(f, to)| c.value(*f) != to.as_deref())
                .map(|(field, to)| FieldChange {
                    field: *field,
                    from: c.value(*field).map(str::to_owned),
                    to: to.clone(),
                })
                .collect();
            (!fields.is_empty()).then_some((c, fields))
        });
        let mut runs = futures::stream::iter(edits)
            .map(|(c, fields)| {
                let actions = Arc::clone(actions);
                async move {
                    let command = ActionCommand::CustomerUpdate {
                        customer: c.magento_id,
                        edit: CustomerEdit {
                            fields,
                            ..CustomerEdit::default()
                        },
                        force: false,
                    };
                    let (id, report) = actions
                        .submit(NewAction {
                            channel_id,
                            command: &command,
                            targets: Targets {
                                customer_id: Some(c.id),
                                ..Targets::default()
                            },
                            requested_by: None,
                        })
                        .await?;
                    anyhow::Ok((id, report.state))
                }
            })
            .buffer_unordered(concurrency.max(1));
        while let Some(result) = runs.next().await {
            let (id, state) = result?;
            report.customers += 1;
            if state == ActionState::Done {
                match store::store_actions::get(pool, id, store::grid::Tz::UTC)
                    .await?
                    .result
                {
                    Some(ActionResult::CustomerSaved {
                        sent, conflicts, ..
                    }) => {
                        report.conflicts += conflicts.len();
                        if sent.is_empty() {
                            report.unchanged += 1;
                        } else {
                            report.done += 1;
                        }
                    }
                    _ => report.done += 1,
                }
            } else {
                report.failed += 1;
            }
            progress(report.customers);
        }
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

async fn submit(
    pool: &PgPool,
    actions: &Arc<Actions>,
    channel_id: i64,
    command: ActionCommand,
    targets: Targets,
) -> Result<ActionView> {
    command.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let (id, _) = actions
        .submit(NewAction {
            channel_id,
            command: &command,
            targets,
            requested_by: None,
        })
        .await?;
    Ok(store::store_actions::get(pool, id, store::grid::Tz::UTC).await?)
}

/// Prints the outcome and any conflict; a refusal exits non-zero with the store's message.
fn report(view: &ActionView, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(view)?);
    } else if view.state == ActionState::Done {
        println!("{}", view.summary());
        if let Some(ActionResult::CustomerSaved {
            conflicts,
            full_object,
            ..
        }) = &view.result
        {
            for c in conflicts {
                println!("conflict: {}", c.describe());
            }
            if *full_object {
                println!("(this store saves whole customers: Magento 2.4.0 or older)");
            }
        }
    }
    match view.state {
        ActionState::Done => Ok(()),
        ActionState::Unknown => bail!(
            "{} (action {}: the store's answer is still being looked for; `cartwise serve` keeps checking)",
            view.summary(),
            view.id
        ),
        _ => match &view.field {
            Some(field) => bail!("{field}: {}", view.summary()),
            None => bail!("{}", view.summary()),
        },
    }
}
