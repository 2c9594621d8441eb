//! `cartwise channel add|list|remove|credentials`.

use crate::cli::{
    ChannelAddArgs, ChannelCommand, ChannelCredentialsArgs, ChannelEditArgs, CredentialArgs,
    GlobalArgs, PriorityArg, TwoWayArgs,
};
use anyhow::{Context, Result, bail};
use domain::channel::parse_interval;
use domain::sync::{JobKind, JobTrigger};
use domain::{ChannelSettings, Credentials, Entity};

pub async fn run(global: GlobalArgs, cmd: ChannelCommand) -> Result<()> {
    let (db, cipher) = super::open(&global).await?;
    let result = async {
        match cmd {
            ChannelCommand::Add(args) => add(&db.pool, &cipher, *args).await,
            ChannelCommand::Credentials(args) => set_credentials(&db.pool, &cipher, *args).await,
            ChannelCommand::List { json } => list(&db.pool, json).await,
            ChannelCommand::Edit(args) => edit(&db.pool, &cipher, args).await,
            ChannelCommand::Remove { name } => {
                let channel = super::channel_by_name(&db.pool, &name).await?;
                store::channels::delete(&db.pool, channel.id).await?;
                println!(
                    "Removed channel {:?} and its synced records; CRM accounts were kept.",
                    channel.settings.name
                );
                Ok(())
            }
        }
    }
    .await;
    db.close().await?;
    result
}

/// The credentials given on the command line, checked as the wizard checks them.
fn credentials_from(args: &CredentialArgs) -> Result<Credentials> {
    let credentials = match (&args.token, &args.oauth, &args.admin_user) {
        (Some(token), None, None) => Credentials::Bearer {
            token: token.clone(),
        },
        (None, Some(oauth), None) => {
            let parts: Vec<&str> = oauth.split(':').collect();
            let [ck, cs, at, ats] = parts.as_slice() else {
                bail!(
                    "--oauth takes CONSUMER_KEY:CONSUMER_SECRET:ACCESS_TOKEN:ACCESS_SECRET (4 parts)"
                );
            };
            Credentials::Oauth1 {
                consumer_key: ck.to_string(),
                consumer_secret: cs.to_string(),
                access_token: at.to_string(),
                access_token_secret: ats.to_string(),
            }
        }
        (None, None, Some(user)) => Credentials::AdminPassword {
            username: user.clone(),
            password: args.admin_password.clone().unwrap_or_default(),
        },
        _ => bail!("give exactly one of --token, --oauth or --admin-user/--admin-password"),
    };
    credentials.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(credentials)
}

/// Turns the command line into settings and credentials, with the same checks as the wizard.
pub fn settings_from(args: &ChannelAddArgs) -> Result<(ChannelSettings, Credentials)> {
    let credentials = credentials_from(&args.credentials)?;
    let mut settings = ChannelSettings::new(args.name.clone(), args.url.clone());
    settings.verify_tls = !args.insecure;
    settings.website_ids = match args.websites.trim() {
        "all" | "" => None,
        list => Some(
            list.split(',')
                .map(|id| {
                    id.trim()
                        .parse::<i64>()
                        .with_context(|| format!("--websites: {id:?} is not a website id"))
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    settings.entities = args
        .entities
        .split(',')
        .filter(|e| !e.trim().is_empty())
        .map(|e| e.parse::<Entity>().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    settings.sync_start_date = args.start_date;
    settings.sync_interval_secs = parse_interval(&args.interval).map_err(anyhow::Error::msg)?;
    settings.abandon_threshold_secs =
        parse_interval(&args.abandon_after).map_err(anyhow::Error::msg)?;
    settings.page_size = args.page_size;
    settings.cart_lifetime_days = args.cart_lifetime;
    settings.two_way = args.two_way;
    apply_two_way(&mut settings, &args.two_way_args)?;
    settings.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((settings, credentials))
}

/// Calls the store with these settings and credentials; prints what it found.
async fn check_store(settings: &ChannelSettings, credentials: &Credentials) -> Result<()> {
    let client = sync::connect::client(
        &settings.store_url,
        settings.verify_tls,
        credentials,
        &sync::connect::ClientOptions::default(),
    )?;
    let report = client
        .check_connection()
        .await
        .with_context(|| format!("checking the connection to {}", settings.store_url))?;
    println!(
        "Connected to {}: {} website(s), {} store view(s); subscriber route: {:?}",
        report.rest_root,
        report.websites.iter().filter(|w| w.id != Some(0)).count(),
        report
            .store_views
            .iter()
            .filter(|s| s.id != Some(0))
            .count(),
        report.subscriber_route
    );
    Ok(())
}

async fn add(
    pool: &store::PgPool,
    cipher: &store::secrets::Cipher,
    args: ChannelAddArgs,
) -> Result<()> {
    let (settings, credentials) = settings_from(&args)?;
    if !args.skip_check {
        check_store(&settings, &credentials).await?;
    }
    let id = store::channels::create(pool, cipher, &settings, &credentials, false).await?;
    let job = store::jobs::enqueue(pool, id, JobKind::Sync, JobTrigger::Cli, None).await?;
    println!(
        "Added channel {:?} (id {id}); first sync queued as job {job}.",
        settings.name
    );
    Ok(())
}

/// New credentials for an existing channel, its settings kept: the command-line twin of the
/// edit form, and the way back for channels whose credentials `cartwise key reset` discarded.
async fn set_credentials(
    pool: &store::PgPool,
    cipher: &store::secrets::Cipher,
    args: ChannelCredentialsArgs,
) -> Result<()> {
    let channel = super::channel_by_name(pool, &args.name).await?;
    let credentials = credentials_from(&args.credentials)?;
    if !args.skip_check {
        check_store(&channel.settings, &credentials).await?;
    }
    store::channels::update(
        pool,
        cipher,
        channel.id,
        &channel.settings,
        Some(&credentials),
    )
    .await?;
    // New credentials deserve a fresh try at once, e.g. after "access rejected".
    store::channels::set_status(pool, channel.id, domain::ChannelStatus::Idle, None).await?;
    let queued = if channel.is_active {
        let job =
            store::jobs::enqueue(pool, channel.id, JobKind::Sync, JobTrigger::Cli, None).await?;
        format!("; sync queued as job {job}")
    } else {
        String::new()
    };
    println!(
        "Stored new credentials for channel {:?}{queued}.",
        channel.settings.name
    );
    Ok(())
}

/// The priority and field owners given on the command line, over `settings`.
fn apply_two_way(settings: &mut ChannelSettings, args: &TwoWayArgs) -> Result<()> {
    if let Some(p) = args.priority {
        settings.sync_priority = match p {
            PriorityArg::Remote => domain::SyncPriority::Remote,
            PriorityArg::Local => domain::SyncPriority::Local,
        };
    }
    for owner in &args.owners {
        let (field, side) = owner.split_once('=').with_context(|| {
            format!("--owner takes FIELD=store|crm, like email=store (got {owner:?})")
        })?;
        let field = field
            .trim()
            .parse::<domain::customer_edit::CustomerField>()
            .map_err(anyhow::Error::msg)?;
        let owner = match side.trim() {
            "store" | "remote" => domain::SyncPriority::Remote,
            "crm" | "cartwise" | "local" => domain::SyncPriority::Local,
            other => bail!("--owner {field}={other}: the owner is store or crm"),
        };
        settings
            .field_owners
            .push(domain::customer_edit::FieldOwner { field, owner });
    }
    Ok(())
}

/// `cartwise channel edit NAME --two-way on|off [--priority …] [--owner …]`.
async fn edit(
    pool: &store::PgPool,
    cipher: &store::secrets::Cipher,
    args: ChannelEditArgs,
) -> Result<()> {
    let channel = super::channel_by_name(pool, &args.name).await?;
    let mut settings = channel.settings.clone();
    if let Some(on) = args.two_way {
        settings.two_way = on;
    }
    if args.clear_owners {
        settings.field_owners.clear();
    }
    apply_two_way(&mut settings, &args.two_way_args)?;
    store::channels::update(pool, cipher, channel.id, &settings, None).await?;
    let saved = store::channels::get(pool, channel.id).await?.settings;
    let owners = saved
        .field_owners
        .iter()
        .map(|o| {
            format!(
                "{}={}",
                o.field,
                if o.owner == domain::SyncPriority::Remote {
                    "store"
                } else {
                    "crm"
                }
            )
        })
        .collect::<Vec<_>>();
    println!(
        "Channel {:?}: two-way sync {}; {} wins conflicts{}.",
        saved.name,
        if saved.two_way { "on" } else { "off" },
        if saved.sync_priority == domain::SyncPriority::Remote {
            "the store"
        } else {
            "Cartwise"
        },
        if owners.is_empty() {
            String::new()
        } else {
            format!("; field owners: {}", owners.join(", "))
        }
    );
    Ok(())
}

async fn list(pool: &store::PgPool, json: bool) -> Result<()> {
    let channels = store::channels::list(pool).await?;
    let errors: std::collections::HashMap<i64, i64> = store::sync_errors::open_counts(pool)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for c in channels {
        let counts = store::export::counts(pool, c.id).await?;
        out.push(serde_json::json!({
            "id": c.id,
            "name": c.settings.name,
            "url": c.settings.store_url,
            "active": c.is_active,
            "status": c.status.as_str(),
            "status_message": c.status_message,
            "entities": c.settings.entities.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            "interval_secs": c.settings.sync_interval_secs,
            "two_way": c.settings.two_way,
            "sync_priority": c.settings.sync_priority.as_str(),
            "field_owners": c.settings.field_owners,
            "last_success_at": c.last_success_at,
            "subscriber_source": c.subscriber_source.map(|s| s.as_str()),
            "records": counts.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "open_errors": errors.get(&c.id).copied().unwrap_or(0),
        }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if out.is_empty() {
        println!(
            "No channels. Add one with: cartwise channel add --name NAME --url URL --token TOKEN"
        );
    }
    for c in out {
        println!(
            "{:<24} {:<10} {:<16} {}  errors: {}  records: {}",
            c["name"].as_str().unwrap_or_default(),
            if c["active"].as_bool() == Some(true) {
                "active"
            } else {
                "inactive"
            },
            c["status"].as_str().unwrap_or_default(),
            c["url"].as_str().unwrap_or_default(),
            c["open_errors"],
            c["records"]
        );
    }
    Ok(())
}
