//! `cartwise cart …`: build a shopper's cart and place the order from a shell, on the same path
//! as the cart builder (each command queues a store action and waits for it). A store's
//! refusal exits non-zero with its message; `--json` prints the action as the log keeps it.

use crate::cli::{CartCommand, GlobalArgs};
use anyhow::{Context, Result, bail};
use domain::Decimal;
use domain::actions::{
    ActionCommand, ActionResult, ActionState, ActionView, AddressChoice, AddressInput, ItemOption,
};
use std::sync::Arc;
use std::time::Duration;
use store::PgPool;
use store::store_actions::{NewAction, Targets};
use sync::outbound::Actions;

pub async fn run(global: GlobalArgs, cmd: CartCommand) -> Result<()> {
    let (db, cipher) = super::open(&global).await?;
    let actions = Actions::new(
        db.pool.clone(),
        cipher,
        sync::connect::ClientOptions::default(),
    );
    let result = run_with(&db.pool, &actions, cmd).await;
    // An order's cart and customer are re-read after its outcome is printed; let them land
    // before the process (and the embedded database) goes.
    actions.settle().await;
    db.close().await?;
    result
}

/// The outcome to print, and whether the command succeeded.
async fn run_with(pool: &PgPool, actions: &Arc<Actions>, cmd: CartCommand) -> Result<()> {
    match cmd {
        CartCommand::Open {
            channel,
            customer,
            guest,
            website,
            store_view,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let (command, targets) = match (customer, guest) {
                (Some(email), None) => {
                    let found =
                        store::checkout::customer_by_email(pool, channel.id, &email).await?;
                    let c = match (found.len(), website) {
                        (0, _) => bail!(
                            "no registered customer with the email {email} in channel {:?} (sync the channel, or use --guest)",
                            channel.settings.name
                        ),
                        (_, Some(w)) => found
                            .into_iter()
                            .find(|c| c.website_id == w)
                            .with_context(|| format!("{email} has no account in website {w}"))?,
                        (1, None) => found.into_iter().next().expect("one customer"),
                        (_, None) => bail!(
                            "{email} has accounts in several websites ({}): choose one with --website",
                            found
                                .iter()
                                .map(|c| c.website_id.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    (
                        ActionCommand::CartOpen {
                            customer_magento_id: c.magento_id,
                            guest_email: None,
                            store_view,
                        },
                        Targets {
                            customer_id: Some(c.id),
                            ..Targets::default()
                        },
                    )
                }
                (None, Some(email)) => (
                    ActionCommand::CartOpen {
                        customer_magento_id: None,
                        guest_email: Some(email),
                        store_view,
                    },
                    Targets::default(),
                ),
                _ => bail!("give --customer EMAIL or --guest EMAIL"),
            };
            let view = submit(pool, actions, channel.id, command, targets).await?;
            report(&view, json)
        }
        CartCommand::Add {
            channel,
            cart,
            sku,
            qty,
            options,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let options = options
                .iter()
                .map(|o| parse_option(o))
                .collect::<Result<Vec<_>>>()?;
            let command = ActionCommand::CartAddItem {
                cart,
                sku,
                qty: parse_qty(&qty)?,
                options,
            };
            let view = submit(
                pool,
                actions,
                channel.id,
                command,
                cart_targets(pool, channel.id, cart).await?,
            )
            .await?;
            report(&view, json)
        }
        CartCommand::Update {
            channel,
            cart,
            item,
            qty,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let command = ActionCommand::CartUpdateItem {
                cart,
                item_id: item,
                qty: parse_qty(&qty)?,
            };
            let view = submit(
                pool,
                actions,
                channel.id,
                command,
                cart_targets(pool, channel.id, cart).await?,
            )
            .await?;
            report(&view, json)
        }
        CartCommand::Remove {
            channel,
            cart,
            item,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let command = ActionCommand::CartRemoveItem {
                cart,
                item_id: item,
            };
            let view = submit(
                pool,
                actions,
                channel.id,
                command,
                cart_targets(pool, channel.id, cart).await?,
            )
            .await?;
            report(&view, json)
        }
        CartCommand::Shipping {
            channel,
            cart,
            address,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let address = address_choice(pool, channel.id, cart, &address).await?;
            let command = ActionCommand::CartRates { cart, address };
            let view = submit(
                pool,
                actions,
                channel.id,
                command,
                cart_targets(pool, channel.id, cart).await?,
            )
            .await?;
            report(&view, json)
        }
        CartCommand::Place {
            channel,
            cart,
            shipping,
            payment,
            address,
            json,
        } => {
            let channel = super::channel_by_name(pool, &channel).await?;
            let targets = cart_targets(pool, channel.id, cart).await?;
            let (carrier, method) = shipping.split_once('_').with_context(|| {
                format!(
                    "--shipping takes CARRIER_METHOD, like flatrate_flatrate (got {shipping:?})"
                )
            })?;
            let address = address_choice(pool, channel.id, cart, &address).await?;
            let set = ActionCommand::CartShipping {
                cart,
                shipping: address,
                billing: None,
                carrier: carrier.to_string(),
                method: method.to_string(),
            };
            let view = submit(pool, actions, channel.id, set, targets.clone()).await?;
            if view.state != ActionState::Done {
                return report(&view, json);
            }
            let offered = match &view.result {
                Some(ActionResult::Shipping {
                    payment_methods, ..
                }) => payment_methods.clone(),
                _ => Vec::new(),
            };
            if !offered.iter().any(|m| m.code == payment) {
                bail!(
                    "the store does not offer the payment method {payment:?} for this cart; it offers: {}",
                    offered
                        .iter()
                        .map(|m| format!("{} ({})", m.code, m.title))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let place = ActionCommand::CartPlace { cart, payment };
            let mut view = submit(pool, actions, channel.id, place, targets).await?;
            // No answer came: look for the order in the store a few times before giving up.
            for _ in 0..10 {
                if view.state != ActionState::Unknown {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
                actions.tick().await?;
                view = store::store_actions::get(pool, view.id, store::grid::Tz::UTC).await?;
            }
            report(&view, json)
        }
    }
}

async fn submit(
    pool: &PgPool,
    actions: &Arc<Actions>,
    channel_id: i64,
    command: ActionCommand,
    targets: Targets,
) -> Result<ActionView> {
    command.validate().map_err(|e| anyhow::anyhow!("{}", e))?;
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

async fn cart_targets(pool: &PgPool, channel_id: i64, cart: i64) -> Result<Targets> {
    Ok(
        match store::checkout::cart_ids(pool, channel_id, cart).await? {
            Some(ids) => Targets {
                cart_id: Some(ids.id),
                customer_id: ids.customer_id,
                ..Targets::default()
            },
            None => Targets::default(),
        },
    )
}

/// `--address-id N`, `--address JSON`, or (neither) the customer's default shipping address.
async fn address_choice(
    pool: &PgPool,
    channel_id: i64,
    cart: i64,
    address: &crate::cli::AddressArgs,
) -> Result<AddressChoice> {
    if let Some(id) = address.address_id {
        return Ok(AddressChoice::Saved(id));
    }
    if let Some(json) = &address.address {
        let typed: AddressInput = serde_json::from_str(json).context(
            "--address takes JSON like {\"firstname\":\"Ana\",\"lastname\":\"Lee\",\"street\":[\"1 Main St\"],\"city\":\"Austin\",\"region_id\":57,\"postcode\":\"78701\",\"country_id\":\"US\",\"telephone\":\"512 555 0100\"}",
        )?;
        return Ok(AddressChoice::Typed(Box::new(typed)));
    }
    let customer = store::checkout::cart_ids(pool, channel_id, cart)
        .await?
        .and_then(|c| c.customer_id)
        .context("this cart has no customer in the CRM: give --address JSON")?;
    let saved = store::checkout::addresses(pool, customer).await?;
    let default = saved
        .iter()
        .find(|a| a.is_default_shipping)
        .or(saved.first())
        .context("the customer has no saved address: give --address JSON")?;
    Ok(AddressChoice::Saved(default.magento_id))
}

fn parse_qty(qty: &str) -> Result<Decimal> {
    qty.trim()
        .parse::<Decimal>()
        .with_context(|| format!("the quantity must be a number, not {qty:?}"))
}

/// `93=49`: a configurable's option (attribute id) and the chosen value.
fn parse_option(option: &str) -> Result<ItemOption> {
    let (attribute, value) = option.split_once('=').with_context(|| {
        format!("--option takes ATTRIBUTE_ID=VALUE, like 93=49 (got {option:?})")
    })?;
    Ok(ItemOption {
        attribute_id: attribute
            .trim()
            .parse()
            .context("the option's attribute id must be a number")?,
        value: value
            .trim()
            .parse()
            .context("the option's value must be a number")?,
    })
}

/// Prints what happened; a failure exits non-zero with the store's message.
fn report(view: &ActionView, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(view)?);
    } else {
        match &view.result {
            Some(ActionResult::CartOpened {
                cart,
                items,
                crm_cart_id,
            }) => {
                println!(
                    "cart {cart} (CRM id {})",
                    crm_cart_id.map_or("not synced yet".into(), |i| i.to_string())
                );
                if *items > 0 {
                    println!("This is the shopper's live cart: it already holds {items} line(s).");
                }
            }
            Some(ActionResult::ItemSaved { item_id, sku, qty }) => {
                println!("item {item_id}: {sku} × {qty}");
            }
            Some(ActionResult::ItemRemoved) => println!("removed"),
            Some(ActionResult::Rates(rates)) => {
                if rates.is_empty() {
                    println!("The store offers no shipping for this cart and address.");
                }
                for r in rates {
                    println!(
                        "{}_{}\t{}\t{} — {}{}",
                        r.carrier,
                        r.method,
                        r.amount.map(|a| a.to_string()).unwrap_or_default(),
                        r.carrier_title,
                        r.method_title,
                        if r.available { "" } else { " (not available)" }
                    );
                }
            }
            Some(ActionResult::Shipping {
                payment_methods, ..
            }) => {
                for m in payment_methods {
                    println!("{}\t{}", m.code, m.title);
                }
            }
            Some(ActionResult::Placed {
                order_magento_id,
                increment_id,
                crm_order_id,
            }) => {
                println!(
                    "order {} (Magento id {order_magento_id}, CRM id {})",
                    increment_id.as_deref().unwrap_or("?"),
                    crm_order_id.map_or("not synced yet".into(), |i| i.to_string())
                );
            }
            _ => {}
        }
    }
    match view.state {
        ActionState::Done => Ok(()),
        ActionState::Unknown => bail!(
            "{} (action {}: the store's answer is still being looked for; `cartwise serve` keeps checking)",
            view.summary(),
            view.id
        ),
        _ => bail!("{}", view.summary()),
    }
}
