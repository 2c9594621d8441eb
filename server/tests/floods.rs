//! Floods against the real `cartwise serve` on loopback (issue 17): hundreds of parallel
//! sign-ins with random emails, dozens of CSV downloads read one byte at a time, and a
//! slow-loris of idle connections. Through each, the server keeps answering, other users'
//! pages still load, and its memory stays bounded.

mod common;

use base64::Engine;
use common::database_url;
use server::bench::seed::{SeedSize, ensure_seeded};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::Stdio;
use std::time::{Duration, Instant};
use store::PgPool;
use store::secrets::Cipher;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const KEY: [u8; 32] = [4u8; 32];

/// One flood at a time: each test measures one server under its own flood, and two floods on
/// two cores at once would measure the machine (the sign-in flood keeps both cores hashing).
static ONE_FLOOD_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Server {
    child: tokio::process::Child,
    addr: SocketAddr,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start(pool: &PgPool) -> Server {
        let listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listen.local_addr().unwrap();
        drop(listen);
        let data = tempfile::tempdir().unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
            .args([
                "--log",
                // Not warn: a flood's hundreds of refused sign-ins would fill the test output.
                "error",
                "serve",
                "--demo",
                "off",
                "--sync-workers",
                "0",
            ])
            .args(["--listen", &addr.to_string()])
            .env("DATABASE_URL", database_url(pool))
            .env(
                "CARTWISE_SECRET_KEY",
                base64::engine::general_purpose::STANDARD.encode(KEY),
            )
            .env("CARTWISE_DATA_DIR", data.path())
            .env("CARTWISE_ADMIN_PASSWORD", "a long enough password")
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start cartwise serve");
        let server = Server {
            child,
            addr,
            _data: data,
        };
        let started = Instant::now();
        while get(addr, "/health", None, Duration::from_secs(1))
            .await
            .is_none()
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "serve never started"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// The child's peak resident memory so far (VmHWM), in MiB.
    fn peak_mib(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id().unwrap())).unwrap();
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap();
        kb / 1024.0
    }
}

/// A GET's status code, or `None` when no answer came within `within`.
async fn get(addr: SocketAddr, path: &str, cookie: Option<&str>, within: Duration) -> Option<u16> {
    let request = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        let head =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await.ok()?;
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).await.ok()?;
        std::str::from_utf8(&first[9..12]).ok()?.parse().ok()
    };
    tokio::time::timeout(within, request).await.ok().flatten()
}

/// Posts a sign-in from `from` (any 127.x address: each is another client) and returns the
/// `Location` it is sent to.
async fn sign_in(addr: SocketAddr, from: Ipv4Addr, email: &str) -> Option<String> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).ok()?;
    let mut stream = socket.connect(addr).await.ok()?;
    let body = format!("email={email}&password=not+the+password");
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8_lossy(&answer);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_string)
}

/// Watches `/health` every 100 ms until `stop`; returns the slowest answer (or `None` when one
/// never came within a second).
///
/// The probe holds one kept-alive connection, opened before the flood as a signed-in user's
/// browser holds one: it measures how fast the server answers, not whether the kernel's accept
/// queue took one more connect during a burst of 300 (a dropped SYN is only retried after a
/// second, which a small CI machine with a short queue showed).
async fn watch_health(
    addr: SocketAddr,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<Option<Duration>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let url = format!("http://{addr}/health");
    let probe = move |client: reqwest::Client, url: String| async move {
        let started = Instant::now();
        let answer = client.get(&url).send().await.ok()?;
        answer.bytes().await.ok()?;
        Some(started.elapsed())
    };
    probe(client.clone(), url.clone())
        .await
        .expect("/health answers before the flood");
    tokio::spawn(async move {
        let mut worst = Duration::ZERO;
        while !stop.is_cancelled() {
            worst = worst.max(probe(client.clone(), url.clone()).await?);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(worst)
    })
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn three_hundred_parallel_sign_ins_leave_the_server_answering(pool: PgPool) {
    let _alone = ONE_FLOOD_AT_A_TIME.lock().await;
    let server = Server::start(&pool).await;
    let addr = server.addr;
    let before = server.peak_mib();
    let stop = tokio_util::sync::CancellationToken::new();
    let health = watch_health(addr, stop.clone()).await;
    // From 150 addresses (two each): the per-address limit lets them through, so every one
    // reaches the password check, which runs one per core.
    let started = Instant::now();
    let attempts = (0..300u32).map(|i| {
        let from = Ipv4Addr::new(127, 0, 1, (i % 150) as u8 + 2);
        async move { sign_in(addr, from, &format!("flood-{i}-{}%40example.com", i * 7919)).await }
    });
    let answers = futures::future::join_all(attempts).await;
    let took = started.elapsed();
    stop.cancel();
    let worst = health.await.unwrap();
    let peak = server.peak_mib();
    let answered = answers.iter().filter(|a| a.is_some()).count();
    eprintln!(
        "300 sign-ins in {:.1} s; /health worst {:?}; peak RSS {before:.0} -> {peak:.0} MiB",
        took.as_secs_f64(),
        worst
    );
    assert_eq!(answered, 300, "every attempt got an answer");
    assert!(
        answers.iter().flatten().all(|l| l.contains("error=invalid")
            || l.contains("error=busy")
            || l.contains("error=throttled")),
        "{answers:?}"
    );
    let worst = worst.expect("/health answered within a second throughout");
    assert!(worst < Duration::from_secs(1), "{worst:?}");
    // The stated bound: two argon2 hashes (19 MiB each) at a time at most, on memory each
    // hashing thread reuses, whatever the flood (measured: 69 -> 119 MiB).
    assert!(peak < 200.0, "peak RSS {peak:.0} MiB");
    // One address alone is stopped after a burst, before any hashing.
    let mut stopped = 0;
    for i in 0..40 {
        if sign_in(
            addr,
            Ipv4Addr::new(127, 0, 9, 9),
            &format!("one-{i}%40example.com"),
        )
        .await
        .is_some_and(|l| l.contains("error=throttled"))
        {
            stopped += 1;
        }
    }
    assert!(stopped >= 20, "{stopped} of 40 stopped");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn slow_downloads_and_idle_connections_do_not_take_the_server(pool: PgPool) {
    let _alone = ONE_FLOOD_AT_A_TIME.lock().await;
    ensure_seeded(
        &pool,
        &Cipher::new(&KEY),
        SeedSize {
            customers: 2_000,
            carts: 40_000,
            orders: 1_000,
        },
    )
    .await
    .unwrap();
    let viewer = |email: &'static str| {
        let pool = pool.clone();
        async move {
            let hash = store::credentials::hash_password("a long password").unwrap();
            let id = store::users::create(
                &pool,
                store::users::NewUser {
                    email,
                    name: "Viewer",
                    role: domain::Role::Viewer,
                    password_hash: &hash,
                },
            )
            .await
            .unwrap();
            let (token, hash) = store::credentials::new_session_token();
            store::sessions::create(&pool, &hash, id).await.unwrap();
            format!("cartwise_session={token}")
        }
    };
    let slow_user = viewer("slow@example.com").await;
    let other_user = viewer("other@example.com").await;
    let server = Server::start(&pool).await;
    let addr = server.addr;

    // 50 CSV downloads of 40,000 carts, each read a byte a second.
    let mut downloads = Vec::new();
    let mut refused = 0;
    for _ in 0..50 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "GET /api/export_carts?query= HTTP/1.1\r\nHost: {addr}\r\nCookie: {slow_user}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut first = [0u8; 12];
        if stream.read_exact(&mut first).await.is_ok() && &first[9..12] == b"503" {
            refused += 1;
        }
        downloads.push(stream);
    }
    // A slow-loris: 200 connections that send half a request line and stop.
    let mut idle = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHo")
            .await
            .unwrap();
        idle.push(stream);
    }
    // Meanwhile another user's grid page and the health check answer at once.
    let started = Instant::now();
    let page = get(
        addr,
        "/api/list_carts?query=status%3Dopen",
        Some(&other_user),
        Duration::from_secs(5),
    )
    .await;
    let page_took = started.elapsed();
    assert_eq!(page, Some(200), "another user's grid page");
    let started = Instant::now();
    assert_eq!(
        get(addr, "/health", None, Duration::from_secs(1)).await,
        Some(200)
    );
    eprintln!(
        "{refused} of 50 slow downloads refused at once; a grid page took {page_took:?}, /health {:?}",
        started.elapsed()
    );
    // Only a few downloads hold a database connection; the rest are told to wait.
    assert!(refused >= 40, "{refused} refused");
    // The idle connections are dropped once they miss the header deadline.
    tokio::time::sleep(server::http::HEADER_READ_TIMEOUT + Duration::from_secs(2)).await;
    let mut closed = 0;
    for stream in &mut idle {
        let mut buf = [0u8; 64];
        match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(
        closed, 200,
        "idle connections past the header deadline are closed"
    );
    drop(downloads);
}
