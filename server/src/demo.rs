//! The bundled demo store: so a newcomer sees a synced CRM at once. Started in-process, in live
//! mode at a gentle rate, and connected as the channel "Demo store" on first start. Its seed and
//! the instant its history ends are kept in the data directory, so restarts serve the same
//! history (and the CRM's copy stays consistent).

use crate::cli::{DemoMode, GlobalArgs, ServeArgs};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use demo_store::{DemoStoreConfig, DemoStoreHandle, LiveConfig};
use domain::sync::{JobKind, JobTrigger};
use domain::{ChannelSettings, Credentials};
use serde::{Deserialize, Serialize};
use std::path::Path;
use store::PgPool;
use store::secrets::Cipher;

pub const CHANNEL_NAME: &str = "Demo store";
const STATE_FILE: &str = "demo-store.json";

#[derive(Debug, Serialize, Deserialize)]
struct DemoState {
    seed: u64,
    anchor: DateTime<Utc>,
    channel_added: bool,
}

/// Whether this start runs the demo store. `auto` runs it for a newcomer only: with no
/// DATABASE_URL, on the first start of an empty database (no channel yet), and on later starts
/// while its channel is still there. A real installation on the embedded database, whose
/// administrator deleted the demo channel or started with real stores, never gets it back.
pub async fn enabled(global: &GlobalArgs, args: &ServeArgs, pool: &PgPool) -> Result<bool> {
    Ok(match args.demo {
        DemoMode::On => true,
        DemoMode::Off => false,
        DemoMode::Auto => {
            if global.database_url().is_some() {
                return Ok(false);
            }
            let (channels, demo) = store::channels::demo_status(pool).await?;
            let added_before = load_state(&global.data_dir)?.channel_added;
            let run = auto_starts(channels, demo, added_before);
            if run && channels == 0 {
                tracing::info!(
                    "starting the bundled demo store: this is the first start of an empty \
                     database (turn it off with --demo off; delete the \"Demo store\" channel to \
                     stop it for good)"
                );
            } else if run {
                tracing::info!(
                    "starting the bundled demo store: its channel is this database's only one \
                     (--demo off, or adding a real store, stops it)"
                );
            } else if demo {
                tracing::warn!(
                    "not starting the bundled demo store: this database has real store channels \
                     beside it (--demo on to start it anyway; delete the \"Demo store\" channel)"
                );
            }
            run
        }
    })
}

/// `--demo auto` on the embedded database: at the first start of an empty database (no
/// channel, and the demo never added from this data directory), and on later starts while the
/// demo's channel is the only one (a trial install restarted). Once a real store is connected
/// it no longer starts by itself (a production install runs no demo store); deleting the demo
/// channel stops it for good.
fn auto_starts(channels: i64, demo_channel: bool, added_before: bool) -> bool {
    (demo_channel && channels == 1) || (channels == 0 && !added_before)
}

fn load_state(data_dir: &Path) -> Result<DemoState> {
    let path = data_dir.join(STATE_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(state) = serde_json::from_str(&text) {
            return Ok(state);
        }
        tracing::warn!(path = %path.display(), "unreadable demo store state; starting a new history");
    }
    Ok(DemoState {
        seed: 1,
        anchor: demo_store::default_anchor(),
        channel_added: false,
    })
}

fn save_state(data_dir: &Path, state: &DemoState) -> Result<()> {
    let path = data_dir.join(STATE_FILE);
    std::fs::write(&path, serde_json::to_vec_pretty(state)?)
        .with_context(|| format!("writing {}", path.display()))
}

/// Starts the demo store and makes sure its channel exists (once) and points at it.
pub async fn start(
    global: &GlobalArgs,
    args: &ServeArgs,
    pool: &PgPool,
    cipher: &Cipher,
) -> Result<DemoStoreHandle> {
    let mut state = load_state(&global.data_dir)?;
    let config = DemoStoreConfig {
        seed: state.seed,
        scale: args.demo_scale,
        anchor: Some(state.anchor),
        live: (args.demo_rate > 0.0).then_some(LiveConfig {
            events_per_second: args.demo_rate,
        }),
        ..DemoStoreConfig::default()
    };
    let handle = match demo_store::spawn(config.clone(), args.demo_listen).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, listen = %args.demo_listen, "demo store port taken; using a free one");
            let mut any = args.demo_listen;
            any.set_port(0);
            demo_store::spawn(config, any)
                .await
                .context("starting the demo store")?
        }
    };
    let url = handle.base_url();
    tracing::info!(%url, orders = args.demo_scale, "demo store running");

    let existing = store::channels::list(pool)
        .await?
        .into_iter()
        .find(|c| c.is_demo);
    match existing {
        Some(channel) if channel.settings.store_url != url => {
            let mut settings = channel.settings.clone();
            settings.store_url = url.clone();
            // A new port is a new origin: stored credentials never follow an address to
            // another one, so the demo store's own token goes with it.
            let token = Credentials::Bearer {
                token: demo_store::DEMO_BEARER_TOKEN.to_string(),
            };
            store::channels::update(pool, cipher, channel.id, &settings, Some(&token)).await?;
        }
        Some(_) => {}
        None if !state.channel_added => {
            let mut settings = ChannelSettings::new(CHANNEL_NAME, url.clone());
            settings.sync_interval_secs = 60;
            let credentials = Credentials::Bearer {
                token: demo_store::DEMO_BEARER_TOKEN.to_string(),
            };
            match store::channels::create(pool, cipher, &settings, &credentials, true).await {
                Ok(id) => {
                    store::jobs::enqueue(pool, id, JobKind::Sync, JobTrigger::Setup, None).await?;
                    tracing::info!(
                        channel = id,
                        "demo store connected as a channel; first sync queued"
                    );
                }
                Err(store::Error::Conflict(_)) => {
                    tracing::info!(
                        "a channel named {CHANNEL_NAME:?} exists; not adding the demo store"
                    );
                }
                Err(e) => return Err(e.into()),
            }
            state.channel_added = true;
        }
        // Removed by an administrator: respect that.
        None => {}
    }
    save_state(&global.data_dir, &state)?;
    Ok(handle)
}

#[cfg(test)]
mod tests {
    use super::auto_starts;

    #[test]
    fn the_demo_starts_by_itself_only_on_an_empty_database_or_while_its_channel_is_alone() {
        assert!(
            auto_starts(0, false, false),
            "first start of an empty database"
        );
        assert!(
            auto_starts(1, true, true),
            "the demo channel is kept, alone"
        );
        assert!(!auto_starts(2, true, true), "a real store beside it");
        assert!(!auto_starts(1, false, false), "a real store's database");
        assert!(!auto_starts(0, false, true), "the demo channel was deleted");
    }
}
