//! `cartwise bench edits`: two-way customer edits against the demo store over HTTP.
//!
//! 1. Single edits, as the customer form sends them: from the action queued to the store's
//!    answer (the re-read into the CRM included), p50/p95/max. Baseline, interleaved in the
//!    same run: the same save made with the bare client (no queue, no re-read before, no log,
//!    no re-read after).
//! 2. One bulk group change ("every General customer becomes Wholesale"): one merged edit per
//!    customer, four at a time, the selection walked a page at a time. Time, edits per second
//!    and this process's peak RSS during the phase alone.

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::{Result, bail};
use domain::actions::{ActionCommand, ActionState};
use domain::customer_edit::{CustomerEdit, CustomerField, FieldChange};
use domain::sync::JobKind;
use domain::{ChannelSettings, Credentials};
use magento::StoreWrite;
use std::time::{Duration, Instant};
use store::secrets::Cipher;
use store::store_actions::{NewAction, Targets};
use sync::connect::ClientOptions;
use sync::outbound::Actions;

pub async fn run(global: &GlobalArgs, edits: usize, bulk: usize) -> Result<()> {
    println!(
        "Cartwise two-way edits benchmark: {edits} single edits, then a bulk group change over {bulk} customers"
    );
    // Customers are 0.3 per order of scale, four in five in group 1 (General).
    let scale = ((bulk as f64 / 0.3 / 0.8) * 1.05).ceil() as usize + edits * 4;
    let (mut store_process, url) = super::sync::start_demo_store(scale, &[]).await?;
    let result = measure(global, edits, bulk, &url).await;
    let _ = store_process.kill().await;
    result
}

async fn measure(global: &GlobalArgs, edits: usize, bulk: usize, url: &str) -> Result<()> {
    let db = Database::open(global).await?;
    let base = super::database_options(global)?;
    let cipher = Cipher::new(&[1u8; 32]);
    let pool = super::sync::fresh_database(&db.pool, &base, "cartwise_bench_edits").await?;
    let mut settings = ChannelSettings::new("Bench edits", url);
    settings.page_size = 300;
    settings.two_way = true;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false).await?;
    let options = ClientOptions::default();
    let started = Instant::now();
    let (_, outcome) =
        sync::worker::sync_and_wait(&pool, &cipher, channel, JobKind::Sync, &options).await?;
    if outcome.status != domain::sync::JobStatus::Succeeded {
        bail!("the first sync failed: {:?}", outcome.error);
    }
    println!("first sync: {:.1} s", started.elapsed().as_secs_f64());
    let actions = Actions::new(pool.clone(), cipher.clone(), options.clone());
    let client = sync::connect::client(url, true, &credentials, &options)?;

    // Single edits on customers outside group 1 (the bulk phase's), two per round: one
    // through the CRM, one with the bare client.
    let people =
        store::customer_edit::bases(&pool, channel, Some(2), 0, (edits * 2 + 2) as i64).await?;
    if people.len() < edits * 2 + 2 {
        bail!(
            "the demo store has too few group-2 customers ({})",
            people.len()
        );
    }
    let edit = |c: &store::customer_edit::CustomerBase, n: usize| CustomerEdit {
        fields: vec![FieldChange {
            field: CustomerField::Lastname,
            from: c.value(CustomerField::Lastname).map(str::to_owned),
            to: Some(format!("Bench{n}")),
        }],
        ..CustomerEdit::default()
    };
    let crm_edit = |c: store::customer_edit::CustomerBase, n: usize| {
        let (actions, edit) = (&actions, edit(&c, n));
        async move {
            let command = ActionCommand::CustomerUpdate {
                customer: c.magento_id,
                edit,
                force: false,
            };
            let started = Instant::now();
            let (_, report) = actions
                .submit(NewAction {
                    channel_id: channel,
                    command: &command,
                    targets: Targets {
                        customer_id: Some(c.id),
                        ..Targets::default()
                    },
                    requested_by: None,
                })
                .await?;
            if report.state != ActionState::Done {
                bail!("edit {n} ended {:?}", report.state);
            }
            anyhow::Ok((ms(started.elapsed()), ms(report.store)))
        }
    };
    let direct_edit = |c: store::customer_edit::CustomerBase, n: usize| {
        let client = &client;
        async move {
            let started = Instant::now();
            let write = StoreWrite::save_customer(
                c.magento_id,
                serde_json::json!({ "id": c.magento_id, "lastname": format!("Direct{n}") }),
            );
            client.send_write(&write).await?;
            anyhow::Ok(ms(started.elapsed()))
        }
    };
    let mut people = people.into_iter();
    // Warm both paths.
    crm_edit(people.next().unwrap(), 0).await?;
    direct_edit(people.next().unwrap(), 0).await?;
    let (mut crm, mut store_part, mut direct) = (Vec::new(), Vec::new(), Vec::new());
    for n in 1..=edits {
        let (a, b) = (people.next().unwrap(), people.next().unwrap());
        if n % 2 == 0 {
            let (total, store) = crm_edit(a, n).await?;
            crm.push(total);
            store_part.push(store);
            direct.push(direct_edit(b, n).await?);
        } else {
            direct.push(direct_edit(b, n).await?);
            let (total, store) = crm_edit(a, n).await?;
            crm.push(total);
            store_part.push(store);
        }
    }
    for v in [&mut crm, &mut store_part, &mut direct] {
        v.sort_by(f64::total_cmp);
    }
    let pct = |v: &[f64], p| super::percentile(v, p);
    println!(
        "\nsingle edits ({edits}), queued → in the store → re-read into the CRM:\n  p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (target p95 ≤ 2000 ms); the store's part p50 {:.1} ms",
        pct(&crm, 50.0),
        pct(&crm, 95.0),
        crm.last().copied().unwrap_or_default(),
        pct(&store_part, 50.0),
    );
    println!(
        "  bare client's save of the same field: p50 {:.1} ms, p95 {:.1} ms → CRM / bare p50 {:.2} ×",
        pct(&direct, 50.0),
        pct(&direct, 95.0),
        pct(&crm, 50.0) / pct(&direct, 50.0).max(f64::MIN_POSITIVE)
    );

    // The bulk group change.
    let selected: i64 = sqlx::query_scalar(
        "select count(*) from customers where channel_id = $1 and group_id = 1 and not is_guest",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await?;
    super::reset_peak_rss();
    let rss_before = super::peak_rss_mib().unwrap_or_default();
    let report = crate::commands::customer::bulk_update(
        &pool,
        &actions,
        channel,
        Some(1),
        &[(CustomerField::GroupId, Some("2".into()))],
        4,
        |n| {
            if n % 2000 == 0 {
                println!("  … {n} customers");
            }
        },
    )
    .await?;
    let rss_peak = super::peak_rss_mib().unwrap_or_default();
    let left: i64 = sqlx::query_scalar(
        "select count(*) from customers where channel_id = $1 and group_id = 1 and not is_guest",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await?;
    println!(
        "\nbulk group change (General → Wholesale), {selected} customers selected:\n  {report}\n  peak RSS {rss_before:.0} → {rss_peak:.0} MiB during the phase; {left} customer(s) still in General in the CRM afterwards"
    );
    if (selected as usize) < bulk {
        println!("  (the store had fewer General customers than asked: {selected} < {bulk})");
    }
    pool.close().await;
    db.close().await?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
