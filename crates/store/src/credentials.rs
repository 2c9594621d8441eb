//! Password hashing (argon2id) and session tokens. CPU-only, but kept beside the tables that
//! store their results so every caller (server functions, the CLI) hashes the same way.

use crate::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The shortest password we accept. Long passphrases beat complexity rules.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Argon2 takes 19 MiB and tens of milliseconds of one core per hash, on purpose. Running as
/// many at once as requests arrive would let a flood of sign-ins exhaust memory and starve
/// every other request. Hashes run on a few threads of their own (one per core), fed by a
/// short queue: a request that cannot get a turn within [`HASH_QUEUE_WAIT`], or finds the queue
/// full, is told the server is busy. Threads of their own, not tokio's blocking pool: each
/// thread keeps its freed 19 MiB in its allocator arena, and the blocking pool starts a new
/// thread whenever its others are busy, so memory would grow with the flood (measured: 539 MiB
/// after 300 parallel sign-ins, against 60 MiB with fixed threads). They also run at a lower
/// scheduling priority ([`HASH_NICE`]): with every core hashing a flood, the threads answering
/// requests would otherwise wait their turn behind them, and a health check or a grid page would
/// take seconds; at nice 10 the kernel lets the request threads in first, and the hashes use
/// what is left.
struct Hashers {
    queue: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

static HASHERS: std::sync::LazyLock<Hashers> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (queue, jobs) = std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(HASH_QUEUE);
    let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
    for i in 0..cores {
        let jobs = jobs.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("password-hash-{i}"))
            .spawn(move || {
                lower_priority();
                loop {
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a password hashing thread");
        }
    }
    Hashers { queue }
});

/// The hashing threads' niceness (0 is normal, 19 the lowest priority).
const HASH_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority to [`HASH_NICE`]. Linux schedules threads
/// one by one, so this leaves the process's other threads as they are.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: both calls only read or change this thread's own scheduling attributes.
    let done = unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, HASH_NICE)
    };
    if done != 0 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "could not lower the password hashing thread's priority"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Hashes waiting for a thread, at most.
const HASH_QUEUE: usize = 64;

/// How long a hash waits for its turn before the request is refused as "busy".
pub const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn busy() -> Error {
    Error::Unavailable("The server is busy checking other sign-ins; try again in a moment.".into())
}

async fn limited<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    // A request that gave up (timed out, or its client left) is not hashed for nothing.
    let wanted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let still_wanted = wanted.clone();
    let job: Box<dyn FnOnce() + Send> = Box::new(move || {
        if still_wanted.load(std::sync::atomic::Ordering::Acquire) {
            let _ = done.send(work());
        }
    });
    HASHERS.queue.try_send(job).map_err(|_| busy())?;
    let result = tokio::time::timeout(HASH_QUEUE_WAIT, answer).await;
    wanted.store(false, std::sync::atomic::Ordering::Release);
    match result {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(_)) => Err(Error::Credential("the hashing thread stopped".into())),
        Err(_) => Err(busy()),
    }
}

/// [`hash_password`] with the server's limits (one hash per core, on the blocking threads).
pub async fn hash_password_limited(password: String) -> Result<String> {
    limited(move || hash_password(&password)).await?
}

/// [`verify_password`] with the server's limits.
pub async fn verify_password_limited(password: String, phc: String) -> Result<bool> {
    limited(move || verify_password(&password, &phc)).await
}

/// Argon2's working memory (19 MiB with the default parameters), kept per thread and reused:
/// allocating it afresh for every hash left each freed block in the allocator, growing the
/// process by about 20 MiB per sign-in up to a few hundred MiB.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [argon2::Block]) -> T) -> T {
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        f(&mut memory[..blocks])
    })
}

fn credential(e: impl std::fmt::Display) -> Error {
    Error::Credential(e.to_string())
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{Output, ParamsString};
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let argon = Argon2::default();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(credential)?;
    let output = Output::init_with(Output::B64_MAX_LENGTH.min(32), |out| {
        with_memory(argon.params().block_count(), |memory| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
                .map_err(|_| argon2::password_hash::Error::Crypto)
        })
    })
    .map_err(credential)?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(credential)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Verifies a password against a stored PHC hash. A malformed hash verifies nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let check = || -> std::result::Result<bool, argon2::password_hash::Error> {
        use argon2::password_hash::Output;
        let parsed = PasswordHash::new(phc)?;
        let algorithm = argon2::Algorithm::try_from(parsed.algorithm)?;
        let version = parsed
            .version
            .map(argon2::Version::try_from)
            .transpose()?
            .unwrap_or_default();
        let params = argon2::Params::try_from(&parsed)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Ok(false);
        };
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let argon = Argon2::new(algorithm, version, params);
        let computed = Output::init_with(expected.len(), |out| {
            with_memory(argon.params().block_count(), |memory| {
                argon
                    .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
                    .map_err(|_| argon2::password_hash::Error::Crypto)
            })
        })?;
        // `Output`'s equality is constant-time.
        Ok(computed == expected)
    };
    check().unwrap_or(false)
}

/// Checks a new password against the policy; the message is shown to the user.
pub fn validate_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::invalid(
            "password",
            format!("Use at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if password.len() > 1024 {
        return Err(Error::invalid("password", "Use at most 1024 bytes."));
    }
    Ok(())
}

/// A random password for the first administrator: 20 characters from an alphabet without
/// look-alikes (no 0/O, 1/l/I), so it can be typed from a console.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A new session token (sent in the cookie) and its hash (stored).
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_session_token(&token);
    (token, hash)
}

pub fn hash_session_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = Argon2::default()
            .hash_password(b"an older password", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("an older password", &theirs));
        assert!(!verify_password("another password", &theirs));
        // And theirs verify ours.
        use argon2::password_hash::PasswordVerifier;
        let ours = hash_password("a newer password").unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"a newer password", &PasswordHash::new(&ours).unwrap())
                .is_ok()
        );
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(
            hash_password("same password").unwrap(),
            hash_password("same password").unwrap()
        );
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate_new_password("short").is_err());
        assert!(validate_new_password("long enough pw").is_ok());
    }

    #[test]
    fn random_passwords_are_long_and_distinct() {
        let a = random_password();
        assert_eq!(a.len(), 20);
        assert!(validate_new_password(&a).is_ok());
        assert_ne!(a, random_password());
    }

    #[test]
    fn session_tokens_are_stored_only_as_hashes() {
        let (token, hash) = new_session_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, hash);
        assert_eq!(hash_session_token(&token), hash);
    }

    /// The hashing threads yield to the request threads: each runs at [`HASH_NICE`], and the
    /// thread that started them is left at its own priority.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_run_below_the_request_threads() {
        let hash = hash_password_limited("a password for the pool".into())
            .await
            .unwrap();
        assert!(
            verify_password_limited("a password for the pool".into(), hash)
                .await
                .unwrap()
        );
        let nice_of = |task: &std::path::Path| -> i32 {
            let stat = std::fs::read_to_string(task.join("stat")).unwrap();
            // Fields after the name (which may hold spaces) start after its ')': the 19th
            // field, nice, is the 17th after it.
            let rest = &stat[stat.rfind(')').unwrap() + 2..];
            rest.split(' ').nth(16).unwrap().parse().unwrap()
        };
        let mut hashers = Vec::new();
        let mut others = Vec::new();
        for task in std::fs::read_dir("/proc/self/task").unwrap() {
            let task = task.unwrap().path();
            let name = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
            if name.starts_with("password-hash") {
                hashers.push(nice_of(&task));
            } else {
                others.push(nice_of(&task));
            }
        }
        assert!(!hashers.is_empty(), "no hashing thread found");
        assert!(hashers.iter().all(|n| *n == HASH_NICE), "{hashers:?}");
        assert!(others.iter().all(|n| *n < HASH_NICE), "{others:?}");
    }
}
