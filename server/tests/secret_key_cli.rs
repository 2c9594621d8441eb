//! The secret key through the `cartwise` binary, against an external database: a wrong or
//! missing key is refused with a message that says how to recover (never a new key that makes
//! every stored credential unreadable), `cartwise key rotate` moves every credential to a new
//! key, a rotation cut short is finished (or forgotten) by the next start, and a key that is
//! truly lost is recovered from with `cartwise key reset`.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::database_url;
use domain::{ChannelSettings, Credentials};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;
use store::PgPool;
use store::secrets::Cipher;
use tokio::io::{AsyncBufReadExt, BufReader};

const A: [u8; 32] = [21u8; 32];
const B: [u8; 32] = [22u8; 32];

fn encode(key: &[u8; 32]) -> String {
    STANDARD.encode(key)
}

fn decode(text: &str) -> [u8; 32] {
    STANDARD
        .decode(text.trim())
        .unwrap()
        .try_into()
        .expect("a 32-byte key")
}

/// `cartwise` on this test's database, with the key from the environment (`Some`) or from the
/// data directory's file (`None`).
fn command(pool: &PgPool, data_dir: &Path, key: Option<&[u8; 32]>) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"));
    cmd.args(["--log", "warn"])
        .env("DATABASE_URL", database_url(pool))
        .env("CARTWISE_DATA_DIR", data_dir)
        .env_remove("CARTWISE_SECRET_KEY")
        .env_remove("CARTWISE_CHANNEL_ADMIN_PASSWORD")
        .kill_on_drop(true);
    if let Some(key) = key {
        cmd.env("CARTWISE_SECRET_KEY", encode(key));
    }
    cmd
}

async fn cartwise(pool: &PgPool, data_dir: &Path, key: Option<&[u8; 32]>, args: &[&str]) -> Output {
    command(pool, data_dir, key)
        .args(args)
        .output()
        .await
        .expect("run cartwise")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output, what: &str) -> String {
    assert!(o.status.success(), "{what} failed:\n{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Asserts the refusal: it names the channels and says how to recover.
fn refused(o: Output, what: &str) -> String {
    let all = text(&o);
    assert!(!o.status.success(), "{what} was not refused:\n{all}");
    for part in [
        "Cartwise refuses to start",
        "\"Main\"",
        "CARTWISE_SECRET_KEY",
        "secret.key",
        "cartwise key reset",
    ] {
        assert!(all.contains(part), "{what}: no {part:?} in:\n{all}");
    }
    all
}

/// `cartwise serve` until it says it is serving (then stopped) or exits.
async fn serve(pool: &PgPool, data_dir: &Path, key: Option<&[u8; 32]>) -> Result<(), String> {
    let mut child = command(pool, data_dir, key)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "off",
            "--sync-workers",
            "0",
        ])
        .env("CARTWISE_ADMIN_PASSWORD", "a long enough password")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cartwise serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("Cartwise is running") {
                return true;
            }
        }
        false
    })
    .await
    .expect("serve neither started nor exited within 60 s");
    if started {
        let pid = nix::unistd::Pid::from_raw(child.id().unwrap() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        let status = child.wait().await.unwrap();
        // Before its signal handler is in place, SIGTERM ends it by default: fine too.
        use std::os::unix::process::ExitStatusExt;
        assert!(
            status.success() || status.signal() == Some(15),
            "serve stopped badly: {status}"
        );
        return Ok(());
    }
    let out = child.wait_with_output().await.unwrap();
    assert!(!out.status.success());
    Err(String::from_utf8_lossy(&out.stderr).into_owned())
}

const ADD_MAIN: &[&str] = &[
    "channel",
    "add",
    "--name",
    "Main",
    "--url",
    "https://shop.example.com",
    "--admin-user",
    "admin",
    "--admin-password",
    "the admin password",
    "--skip-check",
];

fn main_credentials() -> Credentials {
    Credentials::AdminPassword {
        username: "admin".into(),
        password: "the admin password".into(),
    }
}

async fn main_id(pool: &PgPool) -> i64 {
    store::channels::find_by_name(pool, "Main")
        .await
        .unwrap()
        .expect("channel Main")
        .id
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_wrong_key_is_refused_and_a_rotated_key_keeps_every_credential(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    ok(
        cartwise(&pool, dir.path(), Some(&A), ADD_MAIN).await,
        "channel add",
    );
    let id = main_id(&pool).await;

    // Another key: refused, by the web server and by every data command, with nothing written.
    let message = serve(&pool, dir.path(), Some(&B))
        .await
        .expect_err("serve started with the wrong key");
    for part in [
        "Cartwise refuses to start",
        "\"Main\"",
        "cartwise key reset",
    ] {
        assert!(message.contains(part), "no {part:?} in:\n{message}");
    }
    refused(
        cartwise(&pool, dir.path(), Some(&B), &["channel", "list"]).await,
        "channel list with another key",
    );
    refused(
        cartwise(&pool, dir.path(), Some(&B), &["key", "rotate"]).await,
        "key rotate from another key",
    );
    serve(&pool, dir.path(), Some(&A))
        .await
        .expect("serve with the right key");

    // Rotation, the key given by the environment: the new key is printed.
    let out = ok(
        cartwise(&pool, dir.path(), Some(&A), &["key", "rotate"]).await,
        "key rotate",
    );
    let new = decode(
        out.lines()
            .find_map(|l| l.trim().strip_prefix("New key: "))
            .unwrap_or_else(|| panic!("no new key printed:\n{out}")),
    );
    assert_ne!(new, A);
    assert!(
        !dir.path().join("secret.key").exists(),
        "a key from the environment is not written to disk"
    );
    refused(
        cartwise(&pool, dir.path(), Some(&A), &["channel", "list"]).await,
        "the old key after rotation",
    );
    serve(&pool, dir.path(), Some(&new))
        .await
        .expect("serve with the new key");
    let stored = store::channels::for_sync(&pool, &Cipher::new(&new), id)
        .await
        .unwrap();
    assert_eq!(stored.credentials, main_credentials());

    // Rotation to a given key.
    ok(
        cartwise(
            &pool,
            dir.path(),
            Some(&new),
            &["key", "rotate", "--new-key", &encode(&B)],
        )
        .await,
        "key rotate --new-key",
    );
    let stored = store::channels::for_sync(&pool, &Cipher::new(&B), id)
        .await
        .unwrap();
    assert_eq!(stored.credentials, main_credentials());
    ok(
        cartwise(&pool, dir.path(), Some(&B), &["channel", "list"]).await,
        "channel list with the given key",
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_missing_key_file_is_refused_not_replaced(pool: PgPool) {
    let first = tempfile::tempdir().unwrap();
    ok(
        cartwise(&pool, first.path(), None, ADD_MAIN).await,
        "channel add",
    );
    let key_file = first.path().join("secret.key");
    let original = decode(&std::fs::read_to_string(&key_file).unwrap());

    // A fresh working directory against the same database: no new key.
    let fresh = tempfile::tempdir().unwrap();
    let all = refused(
        cartwise(&pool, fresh.path(), None, &["channel", "list"]).await,
        "a fresh data directory",
    );
    assert!(all.contains("no secret key"), "{all}");
    assert!(
        !fresh.path().join("secret.key").exists(),
        "a new key was generated"
    );

    // The right key file back in place: it starts, then rotates in place.
    std::fs::copy(&key_file, fresh.path().join("secret.key")).unwrap();
    ok(
        cartwise(&pool, fresh.path(), None, &["channel", "list"]).await,
        "channel list with the key file restored",
    );
    let out = ok(
        cartwise(&pool, fresh.path(), None, &["key", "rotate"]).await,
        "key rotate",
    );
    assert!(!out.contains(&encode(&original)), "the old key was printed");
    let rotated = decode(&std::fs::read_to_string(fresh.path().join("secret.key")).unwrap());
    assert_ne!(rotated, original);
    assert!(!fresh.path().join("secret.key.new").exists());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(fresh.path().join("secret.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    serve(&pool, fresh.path(), None)
        .await
        .expect("serve with the rotated key file");
    let stored = store::channels::for_sync(&pool, &Cipher::new(&rotated), main_id(&pool).await)
        .await
        .unwrap();
    assert_eq!(stored.credentials, main_credentials());
    refused(
        cartwise(&pool, first.path(), None, &["channel", "list"]).await,
        "the old key file",
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_rotation_cut_short_is_finished_or_forgotten_by_the_next_start(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("secret.key");
    let pending = dir.path().join("secret.key.new");
    std::fs::write(&key_file, encode(&A)).unwrap();
    let settings = ChannelSettings::new("Main", "https://shop.example.com");
    let id = store::channels::create(
        &pool,
        &Cipher::new(&A),
        &settings,
        &main_credentials(),
        false,
    )
    .await
    .unwrap();
    ok(
        cartwise(&pool, dir.path(), None, &["channel", "list"]).await,
        "first start",
    );

    // Died before its transaction committed: the data is in the old key; the new one goes.
    std::fs::write(&pending, encode(&B)).unwrap();
    ok(
        cartwise(&pool, dir.path(), None, &["channel", "list"]).await,
        "start after a rotation that did not commit",
    );
    assert_eq!(decode(&std::fs::read_to_string(&key_file).unwrap()), A);
    assert!(!pending.exists(), "the uncommitted key was left behind");

    // Died after committing, before the new key file replaced the old one: finished now.
    let rotation = store::key_check::rotate(&pool, &Cipher::new(&A), &Cipher::new(&B))
        .await
        .unwrap();
    assert_eq!(rotation, store::key_check::Rotation::Done { channels: 1 });
    std::fs::write(&pending, encode(&B)).unwrap();
    ok(
        cartwise(&pool, dir.path(), None, &["channel", "list"]).await,
        "start after a rotation that committed",
    );
    assert_eq!(decode(&std::fs::read_to_string(&key_file).unwrap()), B);
    assert!(!pending.exists());
    let stored = store::channels::for_sync(&pool, &Cipher::new(&B), id)
        .await
        .unwrap();
    assert_eq!(stored.credentials, main_credentials());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lost_key_is_recovered_from_with_key_reset(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    ok(
        cartwise(&pool, dir.path(), Some(&A), ADD_MAIN).await,
        "channel add",
    );
    refused(
        cartwise(&pool, dir.path(), Some(&B), &["channel", "list"]).await,
        "another key",
    );
    // Without --yes it only says what it would discard.
    let dry = cartwise(&pool, dir.path(), Some(&B), &["key", "reset"]).await;
    assert!(!dry.status.success());
    assert!(text(&dry).contains("\"Main\""), "{}", text(&dry));
    refused(
        cartwise(&pool, dir.path(), Some(&B), &["channel", "list"]).await,
        "another key after a reset without --yes",
    );

    let out = ok(
        cartwise(&pool, dir.path(), Some(&B), &["key", "reset", "--yes"]).await,
        "key reset --yes",
    );
    assert!(out.contains("\"Main\""), "{out}");
    let listed: serde_json::Value = serde_json::from_str(&ok(
        cartwise(&pool, dir.path(), Some(&B), &["channel", "list", "--json"]).await,
        "channel list after the reset",
    ))
    .unwrap();
    assert_eq!(listed[0]["name"], "Main");
    assert_eq!(listed[0]["status"], "access_rejected", "{listed}");
    // Typing the credentials again (as the edit form does, here on the command line) makes
    // the channel whole, and ready to sync at once.
    let id = main_id(&pool).await;
    let b = Cipher::new(&B);
    let out = ok(
        cartwise(
            &pool,
            dir.path(),
            Some(&B),
            &[
                "channel",
                "credentials",
                "Main",
                "--admin-user",
                "admin",
                "--admin-password",
                "the admin password",
                "--skip-check",
            ],
        )
        .await,
        "channel credentials",
    );
    assert!(out.contains("Stored new credentials"), "{out}");
    assert!(
        !out.contains("the admin password"),
        "the password is never printed: {out}"
    );
    assert_eq!(
        store::channels::get(&pool, id).await.unwrap().status,
        domain::ChannelStatus::Idle
    );
    assert_eq!(
        store::channels::for_sync(&pool, &b, id)
            .await
            .unwrap()
            .credentials,
        main_credentials()
    );
}
