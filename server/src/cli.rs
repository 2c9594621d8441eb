//! The command line and its environment variables: the one typed configuration (documented in
//! `.env.example`).

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "cartwise", version, about = "A CRM for Magento 2 stores")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand shares: where the data lives and how to log.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Postgres to use. When unset, a private cluster is started under the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where Cartwise keeps its embedded database, secret key and demo store state.
    #[arg(
        long,
        env = "CARTWISE_DATA_DIR",
        default_value = ".cartwise",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Directory with the Postgres server binaries (initdb, pg_ctl). Searched on PATH and in
    /// /usr/lib/postgresql/*/bin when unset.
    #[arg(long, env = "CARTWISE_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,

    /// The unprivileged user that runs the embedded cluster when cartwise runs as root
    /// (Postgres refuses to run as root).
    #[arg(
        long,
        env = "CARTWISE_PG_USER",
        default_value = "postgres",
        global = true
    )]
    pub pg_user: String,

    /// Key that encrypts stored secrets (store tokens), base64 of 32 bytes. Generated into the
    /// data directory on first run when unset.
    #[arg(
        long,
        env = "CARTWISE_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<String>,

    /// Log filter, e.g. `info` or `info,cartwise=debug,magento=debug`.
    #[arg(
        long = "log",
        env = "CARTWISE_LOG",
        default_value = "info",
        global = true
    )]
    pub log_filter: String,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(
        long,
        env = "CARTWISE_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

impl GlobalArgs {
    /// The configured database URL; an empty `DATABASE_URL=` counts as unset.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    }

    /// The configured secret key; empty counts as unset.
    pub fn secret_key(&self) -> Option<&str> {
        self.secret_key.as_deref().filter(|k| !k.trim().is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve(ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Start, stop or locate the embedded Postgres (for scripts and tests).
    #[command(subcommand)]
    Db(DbCommand),
    /// Manage channels (connected Magento stores).
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// Sync a channel now.
    Sync(SyncArgs),
    /// Export a channel's synced records (JSON lines or CSV) to standard output.
    Export(ExportArgs),
    /// Build a shopper's cart and place the order (store actions, as in the cart builder).
    #[command(subcommand)]
    Cart(CartCommand),
    /// Edit a customer in its store (two-way channels), as the customer form does.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Subscribe or unsubscribe a customer in its store (two-way channels).
    #[command(subcommand)]
    Subscriber(SubscriberCommand),
    /// Performance benchmarks (each on its own private database).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Run the bundled Magento-compatible demo store on its own (for tests and benchmarks).
    DemoStore(DemoStoreArgs),
    /// The key that encrypts stored credentials: rotate it, or recover from its loss.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Re-encrypt every stored credential with a new key (generated unless given), in one
    /// transaction; the new key replaces the data directory's key file, or is printed when the
    /// key comes from CARTWISE_SECRET_KEY. Restart running cartwise processes afterwards.
    Rotate {
        /// The new key, base64 of 32 bytes (e.g. `openssl rand -base64 32`).
        #[arg(long, env = "CARTWISE_NEW_SECRET_KEY", hide_env_values = true)]
        new_key: Option<String>,
    },
    /// The key the credentials were encrypted with is lost: discard the stored credentials the
    /// current key cannot decrypt and record the current key. Their channels stop syncing
    /// until their credentials are entered again.
    Reset {
        /// Discard them (without it, only says what would be discarded).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DemoStoreArgs {
    #[arg(long, default_value = "127.0.0.1:3100")]
    pub listen: SocketAddr,
    /// Orders in the generated history (customers ≈ 0.3×, carts ≈ 1.2×).
    #[arg(long, default_value_t = 2000)]
    pub scale: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Live changes per second (0: none).
    #[arg(long, default_value_t = 0.0)]
    pub live_rate: f64,
    /// Catalogue size at least N: benchmark products (BENCH-000001…) fill it up.
    #[arg(long)]
    pub products: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Initial sync of the demo store: entities/s, peak RSS, and the fetch-only and write-only
    /// floors measured in the same run.
    Sync {
        /// Orders in the demo store (customers, carts, credit memos, subscribers scale with it).
        #[arg(long, default_value_t = 100_000)]
        scale: usize,
        /// Give the channel the three automation rules before it syncs (3 Sales users), time
        /// the rule pass after the sync, and compare one-page incremental syncs with and
        /// without the rules.
        #[arg(long)]
        rules: bool,
    },
    /// Phone orders placed through store actions (open, 3 × add, rates, shipping, place):
    /// Cartwise's own time per action beside the store's, and against the bare client.
    Actions {
        /// Orders to place.
        #[arg(long, default_value_t = 40)]
        orders: usize,
    },
    /// Two-way customer edits: single edits from queued to in the store (p50/p95, beside the
    /// bare client's save), then one bulk group change over many customers (time, edits per
    /// second, peak RSS).
    Edits {
        /// Single edits to time.
        #[arg(long, default_value_t = 200)]
        edits: usize,
        /// Customers in the bulk group change.
        #[arg(long, default_value_t = 10_000)]
        bulk: usize,
    },
    /// The catalog's first sync: products per second and peak RSS, beside the fetch floor.
    Products {
        /// Products in the demo store's catalogue.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
    },
    /// Grid pages (filter + sort + total count) and CSV export over a seeded store.
    Grid {
        /// 1.0 = 1M carts, 1M orders, 300k customers.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Marketing lists over a seeded store: each list's count + first page beside the same as
    /// plain SQL, and a CSV export of 100k+ members (time, memory).
    Lists {
        /// 1.0 = 1M carts, 1M orders, 300k customers.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// The dashboard's server time over a seeded store, beside its raw SQL time.
    Dashboard {
        /// 1.0 = 1M orders, 1M carts, 300k customers.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Signed-in users working at once against `cartwise serve` over a seeded store (dashboard,
    /// grid pages and filter changes, record pages, CSV exports): p50/p95/p99 per kind, errors
    /// and the server's peak RSS, beside one user alone.
    Load {
        /// 1.0 = 1M orders, 1M carts, 300k customers.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Simulated users, each with its own session and connections.
        #[arg(long, default_value_t = 50)]
        users: usize,
        /// How long the users work.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Each user's average pause between two clicks, in milliseconds (0: none).
        #[arg(long, default_value_t = 2000)]
        think_ms: u64,
    },
}

/// Where to ship: a saved address of the customer, or one given as JSON.
#[derive(Debug, Clone, Args)]
pub struct AddressArgs {
    /// The Magento id of one of the customer's saved addresses (default: their default
    /// shipping address).
    #[arg(long, conflicts_with = "address")]
    pub address_id: Option<i64>,
    /// A typed address as JSON: firstname, lastname, street (list), city, region or region_id,
    /// postcode, country_id, telephone, email.
    #[arg(long)]
    pub address: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CartCommand {
    /// Ask the store for a customer's cart (their live cart if they have one) or a new guest
    /// cart; prints the cart id.
    Open {
        #[arg(long)]
        channel: String,
        /// A registered customer's email.
        #[arg(long, conflicts_with = "guest")]
        customer: Option<String>,
        /// A guest's email (a cart without an account).
        #[arg(long)]
        guest: Option<String>,
        /// The customer's website, when the email has accounts in several.
        #[arg(long)]
        website: Option<i64>,
        /// The Magento store view to open a new cart in.
        #[arg(long)]
        store_view: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Add a product to a cart.
    Add {
        #[arg(long)]
        channel: String,
        /// The cart (Magento quote) id.
        cart: i64,
        sku: String,
        qty: String,
        /// A configurable's option: ATTRIBUTE_ID=VALUE (repeat for each option).
        #[arg(long = "option")]
        options: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set the quantity of a cart line.
    Update {
        #[arg(long)]
        channel: String,
        cart: i64,
        /// The line (Magento item) id.
        item: i64,
        qty: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a line from a cart.
    Remove {
        #[arg(long)]
        channel: String,
        cart: i64,
        item: i64,
        #[arg(long)]
        json: bool,
    },
    /// Print the shipping rates the store offers the cart for an address.
    Shipping {
        #[arg(long)]
        channel: String,
        cart: i64,
        #[command(flatten)]
        address: AddressArgs,
        #[arg(long)]
        json: bool,
    },
    /// Set shipping (address and CARRIER_METHOD) and place the order with a payment method;
    /// prints the order's number.
    Place {
        #[arg(long)]
        channel: String,
        cart: i64,
        /// The rate, as CARRIER_METHOD (e.g. flatrate_flatrate).
        #[arg(long)]
        shipping: String,
        /// A payment method code the store offers (e.g. checkmo).
        #[arg(long)]
        payment: String,
        #[command(flatten)]
        address: AddressArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Connect a store: checks the connection, stores the channel, queues its first sync.
    Add(Box<ChannelAddArgs>),
    /// List channels with their status and record counts.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Delete a channel and every record synced from it (CRM accounts stay).
    Remove { name: String },
    /// Enter a channel's credentials again (after `cartwise key reset`, or new ones made in the
    /// store): checks them against the channel's store, stores them and queues a sync.
    Credentials(Box<ChannelCredentialsArgs>),
    /// Change a channel's two-way sync: on or off, the priority, the field owners.
    Edit(ChannelEditArgs),
}

/// Two-way sync settings, on `channel add` and `channel edit`.
#[derive(Debug, Clone, Args)]
pub struct TwoWayArgs {
    /// Which side wins a field changed in the store and in Cartwise since the last sync.
    #[arg(long, value_enum)]
    pub priority: Option<PriorityArg>,
    /// A field one side owns whatever the priority, e.g. `--owner email=store --owner
    /// group_id=crm` (fields: firstname, lastname, email, dob, gender, taxvat, group_id).
    #[arg(long = "owner", value_name = "FIELD=store|crm")]
    pub owners: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PriorityArg {
    /// The store's value wins.
    Remote,
    /// Cartwise's value wins.
    Local,
}

#[derive(Debug, Clone, Args)]
pub struct ChannelEditArgs {
    /// The channel's name.
    pub name: String,
    /// Turn two-way sync on or off.
    #[arg(long, value_parser = clap::builder::BoolishValueParser::new(), value_name = "on|off")]
    pub two_way: Option<bool>,
    #[command(flatten)]
    pub two_way_args: TwoWayArgs,
    /// Forget every field owner (before the `--owner` given, if any).
    #[arg(long)]
    pub clear_owners: bool,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Change fields of a customer in the store: the change is merged with what the store
    /// holds now (conflicts decided by the channel's priority and field owners and printed).
    Update {
        /// The channel's name.
        #[arg(long)]
        channel: String,
        /// The customer's Magento id.
        magento_id: i64,
        /// FIELD=VALUE (firstname, lastname, email, dob, gender, taxvat, group_id); an empty
        /// VALUE empties an optional field.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        /// Send these values even where the store changed the field since the last sync.
        #[arg(long)]
        force: bool,
        /// Print the action as the log keeps it (JSON).
        #[arg(long)]
        json: bool,
    },
    /// Change fields of many customers at once (e.g. move a customer group): one merged edit
    /// per customer, a few at a time, walking the selection a page at a time.
    BulkUpdate {
        /// The channel's name.
        #[arg(long)]
        channel: String,
        /// Only the customers of this customer group (Magento id); all registered customers
        /// of the channel otherwise.
        #[arg(long)]
        group: Option<i64>,
        /// FIELD=VALUE, as for `update`.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        /// Edits sent to the store at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubscriberCommand {
    /// Subscribe or unsubscribe a registered customer (Magento e-mails the shopper).
    Set {
        /// The channel's name.
        #[arg(long)]
        channel: String,
        /// The customer's Magento id.
        magento_customer_id: i64,
        #[arg(value_enum)]
        status: SubscriptionArg,
        /// Print the action as the log keeps it (JSON).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SubscriptionArg {
    Subscribed,
    Unsubscribed,
}

/// A channel's credentials: exactly one of the three kinds.
#[derive(Debug, Clone, Args)]
pub struct CredentialArgs {
    /// An access token (integration token with the Bearer switch on, or an admin token).
    #[arg(long, env = "CARTWISE_CHANNEL_TOKEN", hide_env_values = true, conflicts_with_all = ["oauth", "admin_user"])]
    pub token: Option<String>,
    /// An integration's OAuth 1.0a credentials: CONSUMER_KEY:CONSUMER_SECRET:ACCESS_TOKEN:ACCESS_SECRET.
    #[arg(
        long,
        env = "CARTWISE_CHANNEL_OAUTH",
        hide_env_values = true,
        conflicts_with = "admin_user"
    )]
    pub oauth: Option<String>,
    /// An admin user whose token Cartwise fetches and renews.
    #[arg(long, requires = "admin_password")]
    pub admin_user: Option<String>,
    #[arg(long, env = "CARTWISE_CHANNEL_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ChannelCredentialsArgs {
    /// The channel's name.
    pub name: String,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Store them without calling the store first.
    #[arg(long)]
    pub skip_check: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ChannelAddArgs {
    #[arg(long)]
    pub name: String,
    /// The store's base URL, e.g. https://shop.example.com (a /rest/<store code> suffix is fine).
    #[arg(long)]
    pub url: String,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// `all`, or Magento website ids separated by commas.
    #[arg(long, default_value = "all")]
    pub websites: String,
    /// Entities to sync, separated by commas (customers are always synced).
    #[arg(
        long,
        default_value = "customers,carts,orders,credit-memos,newsletter-subscribers,products"
    )]
    pub entities: String,
    /// History before this date (YYYY-MM-DD) is not imported.
    #[arg(long)]
    pub start_date: Option<chrono::NaiveDate>,
    /// Sync interval, e.g. 30s, 5m, 1h.
    #[arg(long, default_value = "5m")]
    pub interval: String,
    #[arg(long, default_value_t = domain::channel::DEFAULT_PAGE_SIZE)]
    pub page_size: i32,
    /// A cart counts as abandoned after this long without change, e.g. 1h.
    #[arg(long, default_value = "1h")]
    pub abandon_after: String,
    /// Days after which an untouched cart expires (Magento's quote lifetime).
    #[arg(long, default_value_t = domain::channel::DEFAULT_CART_LIFETIME_DAYS)]
    pub cart_lifetime: i32,
    /// Accept self-signed or invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// Store the channel without calling the store first.
    #[arg(long)]
    pub skip_check: bool,
    /// Two-way sync: edits of customers and subscriptions in Cartwise go to the store.
    #[arg(long)]
    pub two_way: bool,
    #[command(flatten)]
    pub two_way_args: TwoWayArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The channel's name.
    pub name: String,
    /// Re-read everything since the sync start date (data is kept; nothing is duplicated).
    #[arg(long)]
    pub full: bool,
    /// Run (or wait for) the sync here, print per-entity counts, exit non-zero if it failed.
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// customers, carts, orders, credit-memos, newsletter-subscribers or products.
    pub entity: domain::Entity,
    #[arg(long)]
    pub channel: String,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
}

/// `cartwise` with no subcommand serves, reading the serve options from the environment.
impl Default for Command {
    fn default() -> Self {
        #[derive(Parser)]
        struct DefaultServe {
            #[command(flatten)]
            args: ServeArgs,
        }
        Command::Serve(DefaultServe::parse_from(["cartwise"]).args)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CARTWISE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// The address users reach Cartwise at; an https URL marks session cookies Secure.
    #[arg(long, env = "CARTWISE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Addresses of the reverse proxies in front of Cartwise (comma-separated). A request from
    /// one of them is counted against the client address its `X-Forwarded-For` names (for the
    /// per-address sign-in limit and the logs), and its `X-Forwarded-Proto: https` marks the
    /// request as HTTPS; any other peer's headers are ignored.
    #[arg(long, env = "CARTWISE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Email of the first administrator, created on first start when there are no users.
    #[arg(
        long,
        env = "CARTWISE_ADMIN_EMAIL",
        default_value = "admin@cartwise.local"
    )]
    pub admin_email: String,

    /// Password of the first administrator; a random one is printed when unset.
    #[arg(long, env = "CARTWISE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Start the bundled demo store and connect it as the channel "Demo store" (on first
    /// start). `auto`: only when nothing is configured (no DATABASE_URL).
    #[arg(long, env = "CARTWISE_DEMO", value_enum, default_value = "auto")]
    pub demo: DemoMode,

    /// Where the demo store listens (another free port is used if this one is taken).
    #[arg(long, env = "CARTWISE_DEMO_LISTEN", default_value = "127.0.0.1:3100")]
    pub demo_listen: SocketAddr,

    /// Orders in the demo store's generated history.
    #[arg(long, env = "CARTWISE_DEMO_SCALE", default_value_t = 2000)]
    pub demo_scale: usize,

    /// Live changes per second in the demo store (new customers, carts, orders, refunds).
    #[arg(long, env = "CARTWISE_DEMO_RATE", default_value_t = 0.2)]
    pub demo_rate: f64,

    /// Sync jobs this process runs at once (0: run no sync worker here).
    #[arg(long, env = "CARTWISE_SYNC_WORKERS", default_value_t = 2)]
    pub sync_workers: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoMode {
    Auto,
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: domain::Role,
        /// Display name; defaults to the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
        /// Initial password; a random one is printed when unset.
        #[arg(long, env = "CARTWISE_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Set a user's password (e.g. a forgotten administrator password).
    Password {
        #[arg(long)]
        email: String,
        #[arg(long, env = "CARTWISE_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List users.
    List,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Start the embedded cluster (creating it on first use), leave it running and print its
    /// DATABASE_URL.
    Start,
    /// Stop the embedded cluster.
    Stop,
    /// Print the embedded cluster's DATABASE_URL.
    Url,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_subcommand_means_serve_on_port_3000() {
        let cli = Cli::try_parse_from(["cartwise"]).unwrap();
        let Command::Serve(args) = cli.command.unwrap_or_default() else {
            panic!("expected serve");
        };
        assert_eq!(args.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.global.data_dir, PathBuf::from(".cartwise"));
    }

    #[test]
    fn flags_are_parsed_and_typed() {
        let cli = Cli::try_parse_from([
            "cartwise",
            "--data-dir",
            "/tmp/cw",
            "--log",
            "debug",
            "serve",
            "--listen",
            "0.0.0.0:8080",
        ])
        .unwrap();
        assert_eq!(cli.global.data_dir, PathBuf::from("/tmp/cw"));
        assert_eq!(cli.global.log_filter, "debug");
        let Some(Command::Serve(args)) = cli.command else {
            panic!()
        };
        assert_eq!(args.listen.port(), 8080);
    }

    #[test]
    fn bad_values_are_refused_with_a_message() {
        let err = Cli::try_parse_from(["cartwise", "serve", "--listen", "nowhere"]).unwrap_err();
        assert!(err.to_string().contains("--listen"), "{err}");
        let err = Cli::try_parse_from([
            "cartwise", "user", "add", "--email", "a@b.co", "--role", "boss",
        ])
        .unwrap_err();
        assert!(err.to_string().contains("unknown role"), "{err}");
    }

    #[test]
    fn user_add_takes_email_role_and_password() {
        let cli = Cli::try_parse_from([
            "cartwise",
            "user",
            "add",
            "--email",
            "ann@example.com",
            "--role",
            "sales",
            "--password",
            "long enough password",
        ])
        .unwrap();
        let Some(Command::User(UserCommand::Add {
            email,
            role,
            password,
            ..
        })) = cli.command
        else {
            panic!()
        };
        assert_eq!(email, "ann@example.com");
        assert_eq!(role, domain::Role::Sales);
        assert_eq!(password.as_deref(), Some("long enough password"));
    }
}
