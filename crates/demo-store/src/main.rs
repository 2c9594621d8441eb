//! `demo-store`: serve a generated Magento-compatible store and print how to reach it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Parser;
use demo_store::{
    AuthConfig, CheckoutConfig, CustomerConfig, DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER,
    DEMO_BEARER_TOKEN, DemoStoreConfig, FaultConfig, LiveConfig, OAuthCredentials, PagingMode,
    PaymentMethod, ShippingMethod,
};

#[derive(Parser, Debug)]
#[command(
    name = "demo-store",
    about = "A Magento 2 compatible REST store with generated data"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "DEMO_STORE_LISTEN")]
    listen: SocketAddr,
    /// Data seed (same seed, scale and anchor give the same store).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of orders to generate (customers ≈ 0.3×, carts ≈ 1.2×).
    #[arg(long, default_value_t = 2000)]
    scale: usize,
    /// End of the generated history (RFC 3339); default: now rounded down to the hour.
    #[arg(long)]
    anchor: Option<DateTime<Utc>>,
    /// Live changes per second (0 = none).
    #[arg(long, default_value_t = 0.0)]
    live_rate: f64,
    /// Accepted Bearer token (repeatable); default: the demo token.
    #[arg(long = "token")]
    tokens: Vec<String>,
    /// Integration credentials CONSUMER_KEY:CONSUMER_SECRET:ACCESS_TOKEN:TOKEN_SECRET.
    #[arg(long)]
    oauth: Option<String>,
    #[arg(long, default_value = DEMO_ADMIN_USER)]
    admin_user: String,
    #[arg(long, default_value = DEMO_ADMIN_PASSWORD)]
    admin_password: String,
    /// Refuse admin tokens with Magento's 2FA message.
    #[arg(long)]
    two_factor: bool,
    /// ACL resource the credentials lack (repeatable), e.g. Magento_Sales::actions_view.
    #[arg(long = "deny")]
    acl_denied: Vec<String>,
    /// Paging past the last page: 2.4 (empty) or 2.3 (last page again).
    #[arg(long, default_value = "2.4")]
    paging: String,
    /// Magento input limits: default pageSize 20, maximum 300.
    #[arg(long)]
    input_limits: bool,
    /// Do not serve the Cartwise newsletter companion route.
    #[arg(long)]
    no_subscriber_route: bool,
    /// Customer PUT as Magento <= 2.4.0: the body is the whole customer (default: 2.4.1+
    /// partial update).
    #[arg(long)]
    full_put: bool,
    /// Newsletter double opt-in (newsletter/subscription/confirm): subscribing gives status
    /// 2 Not Activated.
    #[arg(long)]
    newsletter_confirm: bool,
    /// Customer saves as Magento 2.4.7 before -p4 (#38878): addresses carrying default flags
    /// are refused; defaults must be set by id on the customer.
    #[arg(long)]
    reject_address_default_flags: bool,
    /// Quote lifetime in days for the purge.
    #[arg(long, default_value_t = 30)]
    quote_lifetime_days: u32,
    /// Catalogue size at least N: benchmark products BENCH-000001... fill it up.
    #[arg(long)]
    products: Option<usize>,
    /// Active payment methods (comma-separated): checkmo, banktransfer, cashondelivery,
    /// purchaseorder.
    #[arg(long, value_delimiter = ',', default_value = "checkmo")]
    payment_methods: Vec<String>,
    /// Active carriers (comma-separated): flatrate, tablerate, freeshipping.
    #[arg(long, value_delimiter = ',', default_value = "flatrate")]
    shipping_methods: Vec<String>,
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    #[arg(long, default_value_t = 0.0)]
    fault_500: f64,
    #[arg(long, default_value_t = 0.0)]
    fault_503: f64,
    #[arg(long, default_value_t = 0.0)]
    fault_429: f64,
    #[arg(long, default_value_t = 0.0)]
    fault_hang: f64,
    /// Seconds a hanging request waits before answering.
    #[arg(long, default_value_t = 120)]
    fault_hang_secs: u64,
    #[arg(long, default_value_t = 0.0)]
    fault_slow: f64,
    #[arg(long, default_value_t = 1500)]
    fault_slow_ms: u64,
    /// Share of records always served malformed.
    #[arg(long, default_value_t = 0.0)]
    fault_malformed: f64,
    /// Share of records that break every full-record page they are on with a 500.
    #[arg(long, default_value_t = 0.0)]
    fault_poisoned: f64,
}

fn oauth(text: &str) -> anyhow::Result<OAuthCredentials> {
    let parts: Vec<&str> = text.split(':').collect();
    let [ck, cs, at, ats] = parts.as_slice() else {
        bail!("--oauth wants CK:CS:AT:AS")
    };
    Ok(OAuthCredentials {
        consumer_key: ck.to_string(),
        consumer_secret: cs.to_string(),
        access_token: at.to_string(),
        access_token_secret: ats.to_string(),
    })
}

fn checkout(args: &Args) -> anyhow::Result<CheckoutConfig> {
    let payment_methods = args
        .payment_methods
        .iter()
        .map(|code| {
            PaymentMethod::OFFLINE
                .into_iter()
                .find(|m| m.code() == code)
                .with_context(|| format!("unknown payment method {code}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let shipping_methods = args
        .shipping_methods
        .iter()
        .map(|code| {
            ShippingMethod::ALL
                .into_iter()
                .find(|m| m.carrier_code() == code)
                .with_context(|| format!("unknown carrier {code}"))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(CheckoutConfig {
        payment_methods,
        shipping_methods,
    })
}

fn config(args: &Args) -> anyhow::Result<DemoStoreConfig> {
    let paging = match args.paging.as_str() {
        "2.3" => PagingMode::V23,
        "2.4" => PagingMode::V24,
        other => bail!("--paging must be 2.3 or 2.4, not {other}"),
    };
    let tokens = if args.tokens.is_empty() {
        vec![DEMO_BEARER_TOKEN.to_string()]
    } else {
        args.tokens.clone()
    };
    let oauth = match &args.oauth {
        Some(text) => oauth(text)?,
        None => OAuthCredentials::demo(),
    };
    Ok(DemoStoreConfig {
        seed: args.seed,
        scale: args.scale,
        anchor: args.anchor,
        auth: AuthConfig {
            bearer_tokens: tokens,
            oauth: Some(oauth),
            admin_users: vec![(args.admin_user.clone(), args.admin_password.clone())],
            two_factor_required: args.two_factor,
            acl_denied: args.acl_denied.clone(),
        },
        paging,
        input_limits: args.input_limits,
        subscriber_route: !args.no_subscriber_route,
        live: (args.live_rate > 0.0).then_some(LiveConfig {
            events_per_second: args.live_rate,
        }),
        faults: FaultConfig {
            seed: args.fault_seed,
            error_500: args.fault_500,
            error_503: args.fault_503,
            error_429: args.fault_429,
            hang: args.fault_hang,
            hang_duration: Duration::from_secs(args.fault_hang_secs),
            slow: args.fault_slow,
            slow_duration: Duration::from_millis(args.fault_slow_ms),
            malformed_records: args.fault_malformed,
            poisoned_records: args.fault_poisoned,
        },
        quote_lifetime_days: args.quote_lifetime_days,
        checkout: checkout(args)?,
        extra_products: args
            .products
            .map(|n| n.saturating_sub(demo_store::base_product_count()) as u32)
            .unwrap_or(0),
        customers: CustomerConfig {
            full_put: args.full_put,
            newsletter_confirm: args.newsletter_confirm,
            reject_address_default_flags: args.reject_address_default_flags,
        },
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let config = config(&args)?;
    let started = std::time::Instant::now();
    let handle = demo_store::spawn(config.clone(), args.listen)
        .await
        .context("starting the demo store")?;
    let stats = handle.state().stats();
    let auth = &config.auth;
    println!(
        "demo store ready in {:.1}s: {}",
        started.elapsed().as_secs_f64(),
        handle.base_url()
    );
    println!(
        "  REST base:      {}/rest/V1  (or /rest/default/V1)",
        handle.base_url()
    );
    println!(
        "  data:           seed {} scale {}: {} customers, {} carts, {} orders, {} credit memos, {} subscribers",
        config.seed,
        config.scale,
        stats.customers,
        stats.carts,
        stats.orders,
        stats.creditmemos,
        stats.subscribers
    );
    println!("  bearer tokens:  {}", auth.bearer_tokens.join(", "));
    if let Some(o) = &auth.oauth {
        println!(
            "  oauth:          consumer_key={} consumer_secret={} access_token={} access_token_secret={}",
            o.consumer_key, o.consumer_secret, o.access_token, o.access_token_secret
        );
    }
    println!(
        "  admin login:    {} / {}{}",
        args.admin_user,
        args.admin_password,
        if auth.two_factor_required {
            " (2FA required)"
        } else {
            ""
        }
    );
    println!(
        "  customers:      PUT {}, newsletter confirmation {}",
        if config.customers.full_put {
            "full (<= 2.4.0)"
        } else {
            "partial (2.4.1+)"
        },
        if config.customers.newsletter_confirm {
            "on"
        } else {
            "off"
        }
    );
    println!(
        "  control:        POST {0}/_demo/faults, /_demo/checkout, /_demo/customers, /_demo/paging, /_demo/live/tick, /_demo/purge; GET {0}/_demo/stats",
        handle.base_url()
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    handle.shutdown().await;
    Ok(())
}
