//! What the fault tests share: `cartwise serve` processes, a private Postgres cluster the test
//! may stop and start, HTTP probes and a cart ready to be placed. Everything on loopback.

#![allow(dead_code)]

use base64::Engine;
use demo_store::{DemoStoreHandle, ProductType};
use domain::Decimal;
use domain::actions::{ActionCommand, ActionResult, ActionState, AddressChoice};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use store::PgPool;
use store::grid::Tz;
use store::secrets::Cipher;
use store::store_actions::{NewAction, Targets};

pub const BIN: &str = env!("CARGO_BIN_EXE_cartwise");
pub const ADMIN_EMAIL: &str = "admin@cartwise.local";
pub const ADMIN_PASSWORD: &str = "a long enough password";

pub fn key_base64(key: &[u8; 32]) -> String {
    base64::engine::general_purpose::STANDARD.encode(key)
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `check` every 50 ms until it holds; panics naming `what` after `limit`. Returns how
/// long it took.
pub async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_for(limit, what, || {
        let done = check();
        async move { done.await.then_some(()) }
    })
    .await
    .1
}

/// Polls `check` every 50 ms until it gives a value; panics naming `what` after `limit`.
/// Returns the value and how long it took.
pub async fn wait_for<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> (T, Duration)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return (value, started.elapsed());
        }
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A `cartwise serve` process (killed when dropped; its log printed if the test fails).
pub struct Serve {
    child: tokio::process::Child,
    pub base: String,
    log: PathBuf,
    name: String,
}

impl Serve {
    /// Starts `serve` on a free port and waits until `/health` answers 200.
    pub async fn start(database_url: &str, key: &[u8; 32], dir: &Path, name: &str) -> Serve {
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        let data = dir.join(format!("{name}-data"));
        std::fs::create_dir_all(&data).unwrap();
        let child = tokio::process::Command::new(BIN)
            .args([
                "--log",
                "warn",
                "serve",
                "--demo",
                "off",
                "--sync-workers",
                "2",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("DATABASE_URL", database_url)
            .env("CARTWISE_SECRET_KEY", key_base64(key))
            .env("CARTWISE_DATA_DIR", &data)
            .env("CARTWISE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .kill_on_drop(true)
            .spawn()
            .expect("start cartwise serve");
        let mut serve = Serve {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            name: name.to_string(),
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("{name} exited with {status}:\n{}", serve.log_tail());
            }
            if probe(&format!("{}/health", serve.base), None).await.0 == Some(200) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{name} never became healthy:\n{}",
                serve.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        serve
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process without warning and reaps it.
    pub async fn kill9(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id().expect("running") as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
        self.child.wait().await.unwrap();
    }

    /// Sends SIGTERM, as a service manager (or Ctrl-C) does.
    pub fn terminate(&self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id().expect("running") as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    }

    /// How long the process took to exit, if it did within `limit`.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()
            .map(|_| started.elapsed())
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Signs in as the first administrator; returns the `Cookie` header value.
    pub async fn sign_in(&self) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .post(self.url("/login"))
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get(reqwest::header::SET_COOKIE)
            .unwrap_or_else(|| panic!("no session cookie: {}", res.status()))
            .to_str()
            .unwrap();
        cookie.split(';').next().unwrap().to_string()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- {} log (last lines) ---\n{}",
                self.name,
                self.log_tail()
            );
        }
    }
}

/// One GET with a 15 s limit: the status (`None`: no answer, a hang counts as one) and how
/// long it took.
pub async fn probe(url: &str, cookie: Option<&str>) -> (Option<u16>, Duration) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    let started = Instant::now();
    let status = request.send().await.ok().map(|r| r.status().as_u16());
    (status, started.elapsed())
}

/// A TCP front for the cluster's Unix socket, so that `serve` reaches Postgres the way it
/// does in production: over TCP. While the cluster is down the front stops listening, so
/// connections are refused, as they are by a stopped server.
pub struct TcpFront {
    pub port: u16,
    socket: PathBuf,
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl TcpFront {
    pub async fn open(cluster: &Cluster) -> TcpFront {
        let mut front = TcpFront {
            port: free_port(),
            socket: cluster.socket(),
            listener: None,
        };
        front.reopen().await;
        front
    }

    /// A `DATABASE_URL` through this front.
    pub fn url(&self) -> String {
        format!("postgres://cartwise@127.0.0.1:{}/cartwise", self.port)
    }

    pub fn close(&mut self) {
        if let Some(task) = self.listener.take() {
            task.abort();
        }
    }

    pub async fn reopen(&mut self) {
        self.close();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let socket = self.socket.clone();
        self.listener = Some(tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let socket = socket.clone();
                tokio::spawn(async move {
                    if let Ok(mut unix) = tokio::net::UnixStream::connect(&socket).await {
                        let _ = tokio::io::copy_bidirectional(&mut tcp, &mut unix).await;
                    }
                });
            }
        }));
    }
}

impl Drop for TcpFront {
    fn drop(&mut self) {
        self.close();
    }
}

/// A private Postgres cluster (`cartwise db start`) the test may stop and start; stopped when
/// dropped.
pub struct Cluster {
    dir: PathBuf,
    pub url: String,
}

impl Cluster {
    pub async fn start(dir: &Path) -> Cluster {
        let url = db_command(dir, "start").await;
        Cluster {
            dir: dir.to_path_buf(),
            url: url.lines().last().unwrap_or_default().trim().to_string(),
        }
    }

    pub async fn stop(&self) {
        db_command(&self.dir, "stop").await;
    }

    /// The cluster's Unix socket (its URL names the directory as `host`).
    pub fn socket(&self) -> PathBuf {
        let host = self
            .url
            .split_once("host=")
            .map(|(_, h)| h.split('&').next().unwrap_or(h))
            .expect("a socket directory");
        let dir = percent_encoding::percent_decode_str(host)
            .decode_utf8()
            .unwrap();
        Path::new(&*dir).join(".s.PGSQL.5432")
    }

    pub async fn start_again(&self) {
        db_command(&self.dir, "start").await;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new(BIN)
            .args(["--log", "error", "db", "stop", "--data-dir"])
            .arg(&self.dir)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .status();
    }
}

async fn db_command(dir: &Path, what: &str) -> String {
    let out = tokio::process::Command::new(BIN)
        .args(["--log", "error", "db", what, "--data-dir"])
        .arg(dir)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "cartwise db {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A temporary directory the cluster's unprivileged user can reach (sessions run as root,
/// the cluster as `postgres`).
pub fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A simple product any cart of website 1 may hold in quantity: its SKU.
pub fn plain_sku(store: &DemoStoreHandle) -> String {
    plain_product(store).0
}

/// The same: (SKU, product id).
pub fn plain_product(store: &DemoStoreHandle) -> (String, u32) {
    let state = store.state();
    let s = state.read();
    let product = s
        .products
        .iter()
        .find(|p| {
            p.type_id == ProductType::Simple
                && p.status == 1
                && p.visibility == 4
                && p.website_ids.contains(&1)
                && p.stock.is_in_stock
                && p.stock.min_sale_qty <= 1
                && p.stock.max_sale_qty >= 100
                && p.stock.qty.is_none_or(|q| q > 100)
        })
        .expect("a plain product");
    (product.sku.to_string(), product.id)
}

/// Customers of website 1 with a US default shipping address and no live cart: (customer id,
/// address id).
pub fn shoppers(store: &DemoStoreHandle, n: usize) -> Vec<(i64, i64)> {
    let state = store.state();
    let s = state.read();
    s.customers
        .iter()
        .filter(|c| {
            c.website_id == 1
                && c.default_shipping_address()
                    .is_some_and(|a| &*a.postal.country_id == "US")
                && s.active_cart_of(c.id).is_none()
        })
        .take(n)
        .map(|c| (c.id as i64, c.default_shipping.unwrap() as i64))
        .collect()
}

/// Runs one action in this process and returns how it ended.
pub async fn act(
    pool: &PgPool,
    cipher: &Cipher,
    channel: i64,
    command: ActionCommand,
) -> domain::actions::ActionView {
    let actions = sync::outbound::Actions::new(
        pool.clone(),
        cipher.clone(),
        sync::connect::ClientOptions::default(),
    );
    let (id, _) = actions
        .submit(NewAction {
            channel_id: channel,
            command: &command,
            targets: Targets::default(),
            requested_by: None,
        })
        .await
        .unwrap();
    store::store_actions::get(pool, id, Tz::UTC).await.unwrap()
}

/// Only queues an action (a worker runs it once it is 3 s old). Returns its id.
pub async fn queue(pool: &PgPool, channel: i64, command: ActionCommand) -> i64 {
    store::store_actions::enqueue(
        pool,
        NewAction {
            channel_id: channel,
            command: &command,
            targets: Targets::default(),
            requested_by: None,
        },
    )
    .await
    .unwrap()
    .id()
}

/// Opens a customer's cart in the store, here. Returns its quote id.
pub async fn open_cart(pool: &PgPool, cipher: &Cipher, channel: i64, customer: i64) -> i64 {
    let opened = act(
        pool,
        cipher,
        channel,
        ActionCommand::CartOpen {
            customer_magento_id: Some(customer),
            guest_email: None,
            store_view: None,
        },
    )
    .await;
    match opened.result {
        Some(ActionResult::CartOpened { cart, .. }) => cart,
        _ => panic!("{}", opened.summary()),
    }
}

/// A cart with a line and a shipping method, ready for `cart.place`, built here.
pub async fn cart_ready_to_place(
    pool: &PgPool,
    cipher: &Cipher,
    channel: i64,
    store: &DemoStoreHandle,
) -> i64 {
    let (customer, address) = shoppers(store, 1)[0];
    // A saved address is chosen from the customer's synced address book.
    let read = act(
        pool,
        cipher,
        channel,
        ActionCommand::RecordSync {
            entity: domain::Entity::Customers,
            magento_id: customer,
        },
    )
    .await;
    assert_eq!(read.state, ActionState::Done, "{}", read.summary());
    let cart = open_cart(pool, cipher, channel, customer).await;
    let added = act(
        pool,
        cipher,
        channel,
        ActionCommand::CartAddItem {
            cart,
            sku: plain_sku(store),
            qty: Decimal::ONE,
            options: vec![],
        },
    )
    .await;
    assert_eq!(added.state, ActionState::Done, "{}", added.summary());
    let shipping = act(
        pool,
        cipher,
        channel,
        ActionCommand::CartShipping {
            cart,
            shipping: AddressChoice::Saved(address),
            billing: None,
            carrier: "flatrate".into(),
            method: "flatrate".into(),
        },
    )
    .await;
    assert_eq!(shipping.state, ActionState::Done, "{}", shipping.summary());
    cart
}

/// Rows of `table` of a channel.
pub async fn count(pool: &PgPool, table: &str, channel: i64) -> i64 {
    sqlx::query_scalar(&format!(
        "select count(*) from {table} where channel_id = $1"
    ))
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap_or(-1)
}

/// The status of a channel's newest job, if any.
pub async fn latest_job(pool: &PgPool, channel: i64) -> Option<(i64, String)> {
    sqlx::query_as(
        "select id, status from sync_jobs where channel_id = $1 order by id desc limit 1",
    )
    .bind(channel)
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
}
