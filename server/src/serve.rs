//! `cartwise serve`: open the database, make sure someone can sign in, serve until told to stop.

use crate::cli::{GlobalArgs, ServeArgs};
use crate::database::Database;
use crate::web::{WebState, router};
use crate::{demo, secret_key};
use anyhow::{Context, Result};
use std::time::Duration;
use store::{PgPool, credentials, users};
use sync::{Worker, WorkerConfig};
use tokio_util::sync::CancellationToken;

pub async fn run(global: GlobalArgs, args: ServeArgs) -> Result<()> {
    let db = Database::open(&global).await?;
    let result = serve(&global, &args, &db.pool).await;
    if let Err(e) = db.close().await {
        tracing::error!(error = %e, "stopping the database");
    }
    result
}

async fn serve(global: &GlobalArgs, args: &ServeArgs, pool: &PgPool) -> Result<()> {
    // Refuses a key other than the one the stored credentials are encrypted with.
    let cipher = secret_key::open_cipher(global, pool).await?;
    let base_url = format!("http://{}", args.listen);
    let first_admin = ensure_first_admin(pool, args).await?;
    let demo = if demo::enabled(global, args, pool).await? {
        Some(demo::start(global, args, pool, &cipher).await?)
    } else {
        None
    };

    let conf =
        leptos::config::get_configuration(None).context("reading the Leptos configuration")?;
    let mut leptos = conf.leptos_options;
    leptos.site_addr = args.listen;
    let stop = CancellationToken::new();
    let state = WebState {
        pool: pool.clone(),
        cipher: cipher.clone(),
        leptos,
        secure_cookies: args
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        stopping: stop.clone(),
        trusted_proxies: args.trusted_proxies.clone(),
        mailer: mailer_from_env()?,
    };

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another cartwise running?)",
                args.listen
            )
        })?;
    let housekeeping = tokio::spawn(purge_sessions_periodically(pool.clone()));
    let worker = (args.sync_workers > 0).then(|| {
        let config = WorkerConfig {
            max_parallel_jobs: args.sync_workers,
            ..WorkerConfig::default()
        };
        tokio::spawn(
            Worker::new(pool.clone(), cipher.clone(), config).run_until_stopped(stop.clone()),
        )
    });

    print_sign_in_help(&base_url, &args.admin_email, first_admin.as_deref());
    tracing::info!(address = %args.listen, "Cartwise is serving");
    // The first Ctrl-C (or SIGTERM) stops accepting and drains open requests; a second one
    // stops waiting for them.
    let force = CancellationToken::new();
    let signals = {
        let (stop, force) = (stop.clone(), force.clone());
        tokio::spawn(async move {
            shutdown_signal().await;
            stop.cancel();
            shutdown_signal().await;
            force.cancel();
        })
    };
    let served = crate::http::serve(
        listener,
        router(state),
        stop.clone().cancelled_owned(),
        force.clone().cancelled_owned(),
    )
    .await
    .context("serving HTTP");
    stop.cancel();
    housekeeping.abort();
    // Then the sync worker ends its runs (each stops at its next step; an interrupted one
    // resumes at the next start) and the demo store stops. A run waiting on a store that does
    // not answer would keep the process up as long as the store's request timeout and its
    // retries: they get STOP_WAIT, or nothing after a second signal.
    let worker_abort = worker.as_ref().map(|w| w.abort_handle());
    let rest = async move {
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        if let Some(demo) = demo {
            demo.shutdown().await;
        }
    };
    tokio::select! {
        _ = rest => {}
        _ = tokio::time::sleep(STOP_WAIT) => {
            tracing::warn!(
                "the sync worker did not stop within {} s: stopping without it (its run resumes \
                 at the next start)",
                STOP_WAIT.as_secs()
            );
        }
        _ = force.cancelled() => tracing::warn!("second signal: stopping the sync worker now"),
    }
    if let Some(worker) = worker_abort {
        worker.abort();
    }
    signals.abort();
    tracing::info!("Cartwise stopped serving");
    served
}

/// How long, after the HTTP drain, the sync worker and the demo store get to stop.
const STOP_WAIT: Duration = Duration::from_secs(10);

/// Creates the first administrator when there are no users. Returns the password when it was
/// generated here (it is printed once and never stored in clear).
async fn ensure_first_admin(pool: &PgPool, args: &ServeArgs) -> Result<Option<String>> {
    if users::count(pool).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match &args.admin_password {
        Some(p) => {
            credentials::validate_new_password(p).context("CARTWISE_ADMIN_PASSWORD")?;
            (p.clone(), false)
        }
        None => (credentials::random_password(), true),
    };
    let hash = credentials::hash_password(&password)?;
    let created = users::create(
        pool,
        users::NewUser {
            email: &args.admin_email,
            name: "Administrator",
            role: domain::Role::Administrator,
            password_hash: &hash,
        },
    )
    .await;
    match created {
        Ok(id) if generated => {
            // The password is printed (and so lands in log files): it must be changed at the
            // first sign-in.
            users::require_password_change(pool, id).await?;
            Ok(Some(password))
        }
        Ok(_) => Ok(Some(String::new())),
        // Another cartwise process created it first.
        Err(store::Error::Conflict(_)) => Ok(None),
        Err(e) => Err(e).context("creating the first administrator"),
    }
}

fn print_sign_in_help(base_url: &str, admin_email: &str, first_admin: Option<&str>) {
    let line = "─".repeat(64);
    println!("\n{line}");
    println!("  Cartwise is running at {base_url}");
    match first_admin {
        Some(password) if !password.is_empty() => {
            println!("  First administrator created. Sign in with:");
            println!("    Email:    {admin_email}");
            println!("    Password: {password}");
            println!("  (shown once; you will be asked to change it when you sign in)");
        }
        Some(_) => {
            println!("  First administrator created: {admin_email}");
            println!("  with the password from CARTWISE_ADMIN_PASSWORD.");
        }
        None => {
            println!("  Sign in with your account. Lost the administrator password? Run:");
            println!("    cartwise user password --email {admin_email}");
        }
    }
    println!("{line}\n");
}

async fn purge_sessions_periodically(pool: PgPool) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match store::sessions::purge_expired(&pool).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
        }
        // Sign-in attempts (per email, in Postgres; per address, in memory) that no longer
        // count: a flood of random emails leaves no lasting rows.
        if let Err(e) = store::throttle::purge_old(&pool).await {
            tracing::warn!(error = %e, "could not purge old sign-in attempts");
        }
        crate::web::forget_quiet_sign_in_addresses();
    }
}

/// Resolves on Ctrl-C or SIGTERM, so the embedded Postgres is stopped cleanly either way.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        _ = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// Outgoing email from `CARTWISE_SMTP_*` (README, "Email"): none set, sending is off; a bad
/// setting stops the start with the variable named, rather than failing on the first send.
fn mailer_from_env() -> Result<Option<mailer::Mailer>> {
    let Some(config) = mailer::smtp_from_env().context("reading the SMTP settings")? else {
        tracing::info!("email sending is off (no CARTWISE_SMTP_HOST)");
        return Ok(None);
    };
    let (host, port) = (config.host.clone(), config.port);
    let mailer = mailer::Mailer::new(config).context("setting up the SMTP client")?;
    tracing::info!(%host, port, from = %mailer.from(), "email sending is on");
    Ok(Some(mailer))
}
