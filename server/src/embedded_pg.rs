//! A private Postgres cluster under the data directory, for when no `DATABASE_URL` is given.
//!
//! The cluster is created once (`initdb`), started with `pg_ctl`, listens on a Unix socket only
//! (no TCP port to collide with or to expose) and is stopped when cartwise exits. Postgres
//! refuses to run as root, so under root the cluster runs as an unprivileged user (`postgres`
//! by default); its files are owned by that user.

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

/// The cluster's superuser and database.
pub const DB_USER: &str = "cartwise";
pub const DB_NAME: &str = "cartwise";
/// Only names the socket file (`.s.PGSQL.5432`); no TCP port is opened.
const PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes.
const MAX_SOCKET_PATH: usize = 100;

/// Where the Postgres binaries and the cluster live, and who runs it.
#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<UnixUser>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnixUser {
    pub uid: u32,
    pub gid: u32,
}

/// A started cluster. Call [`RunningPostgres::stop`] on exit; cartwise stops only a cluster it
/// started itself (another process may share it).
#[derive(Debug)]
pub struct RunningPostgres {
    pub cluster: EmbeddedPostgres,
    pub started_here: bool,
}

impl EmbeddedPostgres {
    /// Resolves binaries, directories and the user to run as. Creates nothing yet.
    pub fn locate(data_dir: &Path, pg_bin: Option<&Path>, pg_user: &str) -> Result<Self> {
        let bin_dir = find_bin_dir(pg_bin)?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("resolving {}", data_dir.display()))?;
        let run_as = if unsafe { libc::geteuid() } == 0 {
            Some(lookup_user(pg_user)?)
        } else {
            None
        };
        // Under root, the cluster's user must be able to reach the data directory; when a parent
        // (say /root) is closed to it, keep the cluster in a directory it can reach instead.
        let base = match run_as {
            Some(user) if !traversable_by(&data_dir, user) => {
                let fallback =
                    PathBuf::from("/var/tmp").join(format!("cartwise-{}", short_hash(&data_dir)));
                tracing::warn!(
                    data_dir = %data_dir.display(),
                    cluster = %fallback.display(),
                    "the Postgres user cannot reach the data directory; keeping the cluster elsewhere"
                );
                fallback
            }
            _ => data_dir.clone(),
        };
        let pgdata = base.join("postgres");
        let mut socket_dir = base.join("run");
        if socket_dir.join(".s.PGSQL.5432").as_os_str().len() > MAX_SOCKET_PATH {
            socket_dir = PathBuf::from("/tmp").join(format!("cartwise-{}", short_hash(&data_dir)));
        }
        Ok(EmbeddedPostgres {
            bin_dir,
            pgdata,
            socket_dir,
            run_as,
        })
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(DB_USER)
            .database(database)
    }

    /// A `DATABASE_URL` other tools (and `cartwise` itself) can use.
    pub fn url(&self, database: &str) -> String {
        let host = percent_encoding::utf8_percent_encode(
            &self.socket_dir.to_string_lossy(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        format!("postgres://{DB_USER}@localhost:{PORT}/{database}?host={host}")
    }

    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// Creates the cluster on first use and starts it unless it already runs.
    pub async fn start(self) -> Result<RunningPostgres> {
        self.prepare_dirs()?;
        if !self.pgdata.join("PG_VERSION").exists() {
            self.initdb().await?;
        }
        self.write_settings()?;
        if self.is_running().await? {
            tracing::info!(pgdata = %self.pgdata.display(), "embedded Postgres already running; sharing it");
            self.ensure_database().await?;
            return Ok(RunningPostgres {
                cluster: self,
                started_here: false,
            });
        }
        let log = self.pgdata.join("server.log");
        let output = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .output()
            .await
            .context("running pg_ctl start")?;
        if !output.status.success() {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(15).collect();
            bail!(
                "the embedded Postgres did not start: {}{}\n--- {} (last lines) ---\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        tracing::info!(pgdata = %self.pgdata.display(), socket = %self.socket_dir.display(), "embedded Postgres started");
        self.ensure_database().await?;
        Ok(RunningPostgres {
            cluster: self,
            started_here: true,
        })
    }

    /// Stops the cluster (fast mode: open transactions roll back, data is safe).
    pub async fn stop(&self) -> Result<()> {
        if !self.pgdata.join("PG_VERSION").exists() || !self.is_running().await? {
            return Ok(());
        }
        let output = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-m", "fast", "-w", "-t", "60", "stop"])
            .output()
            .await
            .context("running pg_ctl stop")?;
        if !output.status.success() {
            bail!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        tracing::info!("embedded Postgres stopped");
        Ok(())
    }

    async fn is_running(&self) -> Result<bool> {
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("status")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .context("running pg_ctl status")?;
        // 0: running; 3: not running; 4: no accessible data directory.
        Ok(status.success())
    }

    fn prepare_dirs(&self) -> Result<()> {
        for dir in [&self.pgdata, &self.socket_dir] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            set_mode(dir, 0o700)?;
            if let Some(user) = self.run_as {
                chown(dir, user)?;
            }
        }
        if let (Some(parent), Some(user)) = (self.pgdata.parent(), self.run_as)
            && !traversable_by(parent, user)
        {
            bail!("the Postgres user cannot reach {}", parent.display());
        }
        Ok(())
    }

    async fn initdb(&self) -> Result<()> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded Postgres cluster");
        let output = self
            .command("initdb")
            .arg("-D")
            .arg(&self.pgdata)
            // Trust is safe here: the only way in is the socket, in a directory only the cluster's
            // owner can open.
            .args([
                "--auth=trust",
                "--username",
                DB_USER,
                "--encoding=UTF8",
                "--locale=C",
            ])
            .output()
            .await
            .context("running initdb")?;
        if !output.status.success() {
            bail!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let conf = self.pgdata.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).context("reading postgresql.conf")?;
        text.push_str("\n# Cartwise's settings (rewritten at each start).\ninclude_if_exists = 'cartwise.conf'\n");
        std::fs::write(&conf, text).context("writing postgresql.conf")?;
        Ok(())
    }

    fn write_settings(&self) -> Result<()> {
        let socket = self.socket_dir.to_string_lossy().replace('\'', "''");
        let settings = format!(
            "listen_addresses = ''\n\
             unix_socket_directories = '{socket}'\n\
             port = {PORT}\n\
             max_connections = 100\n\
             shared_buffers = 256MB\n\
             work_mem = 16MB\n\
             maintenance_work_mem = 256MB\n\
             max_wal_size = 4GB\n\
             checkpoint_timeout = 15min\n"
        );
        let path = self.pgdata.join("cartwise.conf");
        std::fs::write(&path, settings).with_context(|| format!("writing {}", path.display()))?;
        if let Some(user) = self.run_as {
            chown(&path, user)?;
        }
        Ok(())
    }

    async fn ensure_database(&self) -> Result<()> {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = self
            .connect_options("postgres")
            .log_statements(tracing::log::LevelFilter::Off)
            .connect()
            .await
            .context("connecting to the embedded Postgres")?;
        let exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(DB_NAME)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            sqlx::query(&format!("create database {DB_NAME}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        cmd.current_dir(&self.pgdata)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .kill_on_drop(false);
        if let Some(user) = self.run_as {
            cmd.uid(user.uid).gid(user.gid);
            cmd.env("HOME", &self.pgdata);
        }
        cmd
    }
}

impl RunningPostgres {
    pub async fn stop(self) -> Result<()> {
        if self.started_here {
            self.cluster.stop().await
        } else {
            Ok(())
        }
    }
}

/// Finds a directory holding `initdb`, `pg_ctl` and `postgres`.
fn find_bin_dir(configured: Option<&Path>) -> Result<PathBuf> {
    let needed = ["initdb", "pg_ctl", "postgres"];
    let has_all = |dir: &Path| needed.iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = configured {
        if has_all(dir) {
            return Ok(dir.to_path_buf());
        }
        bail!(
            "CARTWISE_PG_BIN={} does not contain {}",
            dir.display(),
            needed.join(", ")
        );
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    // Debian keeps server binaries off PATH, one directory per major version: newest first.
    let mut versioned: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versioned.sort_by_key(|p| {
        std::cmp::Reverse(
            p.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0),
        )
    });
    candidates.extend(versioned);
    candidates.push(PathBuf::from("/usr/local/pgsql/bin"));
    for dir in candidates {
        if has_all(&dir) {
            // A PATH entry may hold symlinks into the versioned directory; either works.
            return Ok(dir);
        }
    }
    Err(anyhow!(
        "PostgreSQL server binaries ({}) were not found on PATH or in /usr/lib/postgresql/*/bin. \
         Install the PostgreSQL server (Debian: `apt-get install postgresql`), point \
         CARTWISE_PG_BIN at its bin directory, or set DATABASE_URL to use an existing server.",
        needed.join(", ")
    ))
}

fn lookup_user(name: &str) -> Result<UnixUser> {
    let cname = std::ffi::CString::new(name).context("user name")?;
    // SAFETY: getpwnam returns a pointer to static storage or null; we copy the ids out at once.
    let pw = unsafe { libc::getpwnam(cname.as_ptr()) };
    if pw.is_null() {
        bail!(
            "cartwise runs as root, and Postgres refuses to run as root: create an unprivileged \
             user named {name:?} (or set CARTWISE_PG_USER to one), or set DATABASE_URL"
        );
    }
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    if uid == 0 {
        bail!("CARTWISE_PG_USER={name:?} is root; Postgres needs an unprivileged user");
    }
    Ok(UnixUser { uid, gid })
}

/// True when `user` may traverse every directory from `/` down to `path` (inclusive).
fn traversable_by(path: &Path, user: UnixUser) -> bool {
    use std::os::unix::fs::MetadataExt;
    path.ancestors().all(|dir| {
        let Ok(meta) = std::fs::metadata(dir) else {
            return false;
        };
        let mode = meta.mode();
        if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        }
    })
}

fn chown(path: &Path, user: UnixUser) -> Result<()> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
        .with_context(|| format!("giving {} to the Postgres user", path.display()))
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting permissions of {}", path.display()))
}

fn short_hash(path: &Path) -> String {
    hex::encode(&Sha256::digest(path.as_os_str().as_encoded_bytes())[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_bin_dir_is_named_in_the_error() {
        let err = find_bin_dir(Some(Path::new("/nonexistent/pg/bin"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/pg/bin"), "{err}");
    }

    #[test]
    fn the_url_carries_the_socket_directory() {
        let pg = EmbeddedPostgres {
            bin_dir: "/usr/bin".into(),
            pgdata: "/d/postgres".into(),
            socket_dir: "/d/run".into(),
            run_as: None,
        };
        assert_eq!(
            pg.url("cartwise"),
            "postgres://cartwise@localhost:5432/cartwise?host=%2Fd%2Frun"
        );
    }

    #[test]
    fn root_owned_private_directories_are_not_traversable_by_others() {
        let dir = tempfile::tempdir().unwrap();
        set_mode(dir.path(), 0o700).unwrap();
        let stranger = UnixUser {
            uid: 4242,
            gid: 4242,
        };
        let me = unsafe {
            UnixUser {
                uid: libc::geteuid(),
                gid: libc::getegid(),
            }
        };
        assert!(!traversable_by(dir.path(), stranger) || me.uid == 4242);
    }
}
