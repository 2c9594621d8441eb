//! `cartwise bench actions`: a phone order placed again and again against the demo store
//! (open the customer's cart, add three products, ask the rates, set shipping, place), each
//! step a store action as the cart builder runs it. For each step it reports the whole time,
//! the part spent waiting for the store, and Cartwise's own part (queue, log, re-reading into
//! Postgres). The baseline, measured in the same run: the same Magento calls made with the
//! bare client, nothing queued, logged or re-read.

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::{Context, Result, bail};
use domain::actions::{ActionCommand, ActionKind, ActionResult, ActionState, AddressChoice};
use domain::sync::JobKind;
use domain::{ChannelSettings, Credentials, Decimal};
use magento::StoreWrite;
use magento::types::{NewCartItem, ShippingInformation};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use store::PgPool;
use store::secrets::Cipher;
use store::store_actions::{NewAction, Targets};
use sync::connect::ClientOptions;
use sync::outbound::{Actions, RunReport};

/// Per step: (total, store) in milliseconds.
type Samples = BTreeMap<&'static str, Vec<(f64, f64)>>;

pub async fn run(global: &GlobalArgs, orders: usize) -> Result<()> {
    println!("Cartwise store actions benchmark: {orders} phone orders against the demo store");
    // About one demo customer in sixteen has a complete US address (what the orders ship to)
    // and no live cart, and each order needs its own customer.
    let scale = (orders * 30).max(1200);
    let (mut store_process, url) = super::sync::start_demo_store(scale, &[]).await?;
    let result = measure(global, orders, &url).await;
    let _ = store_process.kill().await;
    result
}

async fn measure(global: &GlobalArgs, orders: usize, url: &str) -> Result<()> {
    let db = Database::open(global).await?;
    let base = super::database_options(global)?;
    let cipher = Cipher::new(&[1u8; 32]);
    let pool = super::sync::fresh_database(&db.pool, &base, "cartwise_bench_actions").await?;
    let mut settings = ChannelSettings::new("Bench actions", url);
    settings.page_size = 300;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false).await?;
    let options = ClientOptions::default();
    let (_, outcome) =
        sync::worker::sync_and_wait(&pool, &cipher, channel, JobKind::Sync, &options).await?;
    if outcome.status != domain::sync::JobStatus::Succeeded {
        bail!("the first sync failed: {:?}", outcome.error);
    }
    let customers = customers_with_an_address(&pool, channel, orders).await?;
    let skus = in_stock_skus(&pool, channel).await?;
    let actions = Actions::new(pool.clone(), cipher.clone(), options.clone());
    let client = sync::connect::client(url, true, &credentials, &options)?;

    // Warm both paths (connections, statement caches) before measuring.
    phone_order(&pool, &actions, channel, customers[0], &skus).await?;
    direct_order(&client, customers[0].1, &skus).await?;

    actions.settle().await;

    let mut crm: Samples = BTreeMap::new();
    let mut direct: Samples = BTreeMap::new();
    // The re-reads of the cart and the customer that follow a placed order, in the background.
    let mut after_place = Vec::new();
    let crm_order = |customer| {
        let (pool, actions, skus) = (&pool, &actions, &skus);
        async move {
            let samples = phone_order(pool, actions, channel, customer, skus).await?;
            // A rep starts the next order minutes later, not within milliseconds: the
            // background re-reads finish first, and are reported on their own.
            let started = Instant::now();
            actions.settle().await;
            anyhow::Ok((samples, ms(started.elapsed())))
        }
    };
    // Interleaved, so both see the same store and machine state.
    for (i, customer) in customers.iter().enumerate().skip(1) {
        if i % 2 == 0 {
            let (samples, settle) = crm_order(*customer).await?;
            merge(&mut crm, samples);
            after_place.push(settle);
            merge(&mut direct, direct_order(&client, customer.1, &skus).await?);
        } else {
            merge(&mut direct, direct_order(&client, customer.1, &skus).await?);
            let (samples, settle) = crm_order(*customer).await?;
            merge(&mut crm, samples);
            after_place.push(settle);
        }
    }
    let p95 = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        super::percentile(v, 95.0)
    };
    let p50 = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        super::percentile(v, 50.0)
    };
    println!(
        "\n{:<16} {:>7} {:>11} {:>11} {:>11} {:>13} {:>7}",
        "step", "n", "total p50", "store p50", "own p50", "own p95 (ms)", "direct"
    );
    let mut all_own = Vec::new();
    let (mut crm_total, mut direct_total) = (0.0, 0.0);
    for (step, samples) in &crm {
        let mut total: Vec<f64> = samples.iter().map(|s| s.0).collect();
        let mut store: Vec<f64> = samples.iter().map(|s| s.1).collect();
        let mut own: Vec<f64> = samples.iter().map(|s| (s.0 - s.1).max(0.0)).collect();
        all_own.extend(own.iter().copied());
        crm_total += total.iter().sum::<f64>();
        let mut d: Vec<f64> = direct
            .get(step)
            .map(|v| v.iter().map(|s| s.0).collect())
            .unwrap_or_default();
        direct_total += d.iter().sum::<f64>();
        println!(
            "{step:<16} {:>7} {:>11.1} {:>11.1} {:>11.1} {:>13.1} {:>7.1}",
            samples.len(),
            p50(&mut total),
            p50(&mut store),
            p50(&mut own),
            p95(&mut own),
            p50(&mut d),
        );
    }
    println!(
        "\nCartwise's own time per action: p95 {:.1} ms, p50 {:.1} ms over {} actions (target p95 ≤ 20 ms)",
        p95(&mut all_own.clone()),
        p50(&mut all_own),
        crm.values().map(Vec::len).sum::<usize>()
    );
    println!(
        "after placing, the cart and customer re-read in the background: p50 {:.1} ms, p95 {:.1} ms",
        p50(&mut after_place.clone()),
        p95(&mut after_place)
    );
    println!(
        "whole orders through the CRM vs the bare client (same calls, nothing logged or re-read): {:.2} ×",
        crm_total / direct_total.max(f64::MIN_POSITIVE)
    );
    pool.close().await;
    db.close().await?;
    Ok(())
}

fn merge(into: &mut Samples, from: Vec<(&'static str, f64, f64)>) {
    for (step, total, store) in from {
        into.entry(step).or_default().push((total, store));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (CRM id, Magento id, saved address id) of customers with a saved address and a clean cart.
async fn customers_with_an_address(
    pool: &PgPool,
    channel: i64,
    n: usize,
) -> Result<Vec<(i64, i64, i64)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select c.id, c.magento_id, min(a.magento_id) from customers c
         join customer_addresses a on a.customer_id = c.id
         where c.channel_id = $1 and c.magento_id is not null and a.country_id = 'US'
           and a.region_id is not null and a.postcode is not null and a.telephone is not null
           -- Their cart would be the shopper's live one, with whatever is in it (perhaps out
           -- of stock by now): each order starts from an empty cart, as timed.
           and not exists (select 1 from carts k where k.customer_id = c.id and k.is_active)
         group by c.id, c.magento_id order by c.id limit $2",
    )
    .bind(channel)
    .bind((n * 2 + 2) as i64)
    .fetch_all(pool)
    .await?;
    if rows.len() < n + 1 {
        bail!(
            "the demo store has too few customers with a US address ({})",
            rows.len()
        );
    }
    Ok(rows)
}

/// Three SKUs of simple products every website sells and has in stock.
async fn in_stock_skus(pool: &PgPool, channel: i64) -> Result<Vec<String>> {
    let skus: Vec<String> = sqlx::query_scalar(
        "select sku from products where channel_id = $1 and type_id = 'simple' and status = 1
           and visibility = 4 and coalesce(is_in_stock, true)
           and (stock_qty is null or stock_qty >= 1000) and website_ids @> array[1]::int8[]
         order by magento_id limit 3",
    )
    .bind(channel)
    .fetch_all(pool)
    .await?;
    if skus.len() < 3 {
        bail!("the demo store has fewer than 3 simple products in stock");
    }
    Ok(skus)
}

async fn step(
    pool: &PgPool,
    actions: &std::sync::Arc<Actions>,
    channel: i64,
    command: ActionCommand,
    customer: i64,
) -> Result<(RunReport, ActionResult)> {
    let (id, report) = actions
        .submit(NewAction {
            channel_id: channel,
            command: &command,
            targets: Targets {
                customer_id: Some(customer),
                ..Targets::default()
            },
            requested_by: None,
        })
        .await?;
    let view = store::store_actions::get(pool, id, store::grid::Tz::UTC).await?;
    if view.state != ActionState::Done {
        bail!("{}: {}", command.kind(), view.summary());
    }
    Ok((
        report,
        view.result.context("a done action without a result")?,
    ))
}

fn label(kind: ActionKind) -> &'static str {
    kind.as_str()
}

/// One order through store actions.
async fn phone_order(
    pool: &PgPool,
    actions: &std::sync::Arc<Actions>,
    channel: i64,
    (customer, magento_customer, address): (i64, i64, i64),
    skus: &[String],
) -> Result<Vec<(&'static str, f64, f64)>> {
    let mut out = Vec::new();
    let mut record =
        |kind: ActionKind, r: &RunReport| out.push((label(kind), ms(r.total), ms(r.store)));
    let (r, result) = step(
        pool,
        actions,
        channel,
        ActionCommand::CartOpen {
            customer_magento_id: Some(magento_customer),
            guest_email: None,
            store_view: None,
        },
        customer,
    )
    .await?;
    record(ActionKind::CartOpen, &r);
    let ActionResult::CartOpened { cart, .. } = result else {
        bail!("no cart opened");
    };
    for sku in skus {
        let (r, _) = step(
            pool,
            actions,
            channel,
            ActionCommand::CartAddItem {
                cart,
                sku: sku.clone(),
                qty: Decimal::ONE,
                options: Vec::new(),
            },
            customer,
        )
        .await?;
        record(ActionKind::CartAddItem, &r);
    }
    let (r, _) = step(
        pool,
        actions,
        channel,
        ActionCommand::CartRates {
            cart,
            address: AddressChoice::Saved(address),
        },
        customer,
    )
    .await?;
    record(ActionKind::CartRates, &r);
    let (r, _) = step(
        pool,
        actions,
        channel,
        ActionCommand::CartShipping {
            cart,
            shipping: AddressChoice::Saved(address),
            billing: None,
            carrier: "flatrate".into(),
            method: "flatrate".into(),
        },
        customer,
    )
    .await?;
    record(ActionKind::CartShipping, &r);
    let (r, _) = step(
        pool,
        actions,
        channel,
        ActionCommand::CartPlace {
            cart,
            payment: "checkmo".into(),
        },
        customer,
    )
    .await?;
    record(ActionKind::CartPlace, &r);
    Ok(out)
}

/// The same order with the bare client: the floor the store sets.
async fn direct_order(
    client: &magento::Client,
    customer: i64,
    skus: &[String],
) -> Result<Vec<(&'static str, f64, f64)>> {
    let mut out = Vec::new();
    let timed = Instant::now();
    let body = client
        .send_write(&StoreWrite::customer_cart(customer))
        .await?;
    let cart = magento::answered_id(&body).context("no cart id")?;
    out.push((label(ActionKind::CartOpen), ms(timed.elapsed()), 0.0));
    for sku in skus {
        let timed = Instant::now();
        client
            .add_cart_item(cart, &NewCartItem::new(sku.clone(), Decimal::ONE))
            .await?;
        out.push((label(ActionKind::CartAddItem), ms(timed.elapsed()), 0.0));
    }
    let saved = client.get_customer(customer).await?;
    let address = saved
        .addresses
        .unwrap_or_default()
        .into_iter()
        .next()
        .context("the customer has no address")?;
    let quote = magento::types::QuoteAddress {
        firstname: address.firstname.clone(),
        lastname: address.lastname.clone(),
        street: address.street.clone(),
        city: address.city.clone(),
        region_id: address.region_id,
        postcode: address.postcode.clone(),
        country_id: address.country_id.clone(),
        telephone: address.telephone.clone(),
        email: saved.email.clone(),
        customer_address_id: address.id,
        ..Default::default()
    };
    let timed = Instant::now();
    client
        .send_write(&StoreWrite::estimate_shipping_by_address_id(
            cart,
            address.id.unwrap_or_default(),
        ))
        .await?;
    out.push((label(ActionKind::CartRates), ms(timed.elapsed()), 0.0));
    let timed = Instant::now();
    client
        .set_shipping_information(
            cart,
            &ShippingInformation {
                shipping_address: quote.clone(),
                billing_address: Some(quote),
                shipping_carrier_code: "flatrate".into(),
                shipping_method_code: "flatrate".into(),
                extension_attributes: None,
            },
        )
        .await?;
    out.push((label(ActionKind::CartShipping), ms(timed.elapsed()), 0.0));
    let timed = Instant::now();
    client.place_order(cart, "checkmo").await?;
    out.push((label(ActionKind::CartPlace), ms(timed.elapsed()), 0.0));
    Ok(out)
}
