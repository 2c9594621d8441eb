//! Credentials (contract §5.1, §11) and the admin-token cache.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use tokio::sync::Mutex;

/// How the client authenticates. Every secret is a [`SecretString`]: `Debug` shows only
/// the kind (and the admin username), and nothing secret is ever logged.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>`: an admin token, or an integration access token on a
    /// store where "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is on.
    Bearer {
        /// The token.
        token: SecretString,
    },
    /// An integration's OAuth 1.0a credentials; every request is signed with HMAC-SHA256.
    /// This is what Magento 2.4.4+ expects from integrations by default.
    OAuth1 {
        /// Integration consumer key.
        consumer_key: SecretString,
        /// Integration consumer secret.
        consumer_secret: SecretString,
        /// Integration access token.
        access_token: SecretString,
        /// Integration access token secret.
        access_token_secret: SecretString,
    },
    /// An admin user's credentials: a token is fetched from `POST /V1/integration/admin/token`,
    /// cached, renewed before its 4 h lifetime ends and once when the store answers 401.
    /// Fails with [`Error::TwoFactorRequired`](crate::Error::TwoFactorRequired) when
    /// Magento_TwoFactorAuth is on (the 2.4 default).
    AdminPassword {
        /// Admin username.
        username: String,
        /// Admin password.
        password: SecretString,
    },
}

impl Auth {
    /// A Bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer {
            token: SecretString::from(token.into()),
        }
    }

    /// OAuth 1.0a integration credentials.
    pub fn oauth1(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<String>,
        access_token: impl Into<String>,
        access_token_secret: impl Into<String>,
    ) -> Self {
        Self::OAuth1 {
            consumer_key: SecretString::from(consumer_key.into()),
            consumer_secret: SecretString::from(consumer_secret.into()),
            access_token: SecretString::from(access_token.into()),
            access_token_secret: SecretString::from(access_token_secret.into()),
        }
    }

    /// Admin username and password.
    pub fn admin_password(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::AdminPassword {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    /// `bearer`, `oauth1` or `admin_password`, for logs and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bearer { .. } => "bearer",
            Self::OAuth1 { .. } => "oauth1",
            Self::AdminPassword { .. } => "admin_password",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bearer { .. } => f.write_str("Auth::Bearer { token: [REDACTED] }"),
            Self::OAuth1 { .. } => f.write_str("Auth::OAuth1 { [4 secrets REDACTED] }"),
            Self::AdminPassword { username, .. } => {
                write!(
                    f,
                    "Auth::AdminPassword {{ username: {username:?}, password: [REDACTED] }}"
                )
            }
        }
    }
}

/// A fetched admin token. `generation` identifies it, so a 401 seen by a request that used
/// an older token does not throw away a token another request has just renewed.
pub(crate) struct CachedToken {
    pub token: SecretString,
    pub obtained: Instant,
    pub generation: u64,
}

/// The admin-password login and its token cache. The async mutex is held while a token is
/// fetched, so concurrent requests wait for one login instead of each logging in.
pub(crate) struct AdminLogin {
    pub username: String,
    pub password: SecretString,
    pub renew_after: Duration,
    pub cache: Mutex<Option<CachedToken>>,
    generations: AtomicU64,
}

impl AdminLogin {
    pub fn new(username: String, password: SecretString, renew_after: Duration) -> Self {
        Self {
            username,
            password,
            renew_after,
            cache: Mutex::new(None),
            generations: AtomicU64::new(0),
        }
    }

    pub fn next_generation(&self) -> u64 {
        self.generations.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Forgets the cached token if it is still the one that was rejected.
    pub async fn invalidate(&self, generation: u64) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| c.generation == generation) {
            *cache = None;
        }
    }
}

/// The client's view of [`Auth`].
pub(crate) enum AuthState {
    Bearer(SecretString),
    OAuth1(crate::oauth::Credentials),
    Admin(AdminLogin),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        for auth in [
            Auth::bearer("tok-HIDDEN"),
            Auth::oauth1("ck-HIDDEN", "cs-HIDDEN", "at-HIDDEN", "ats-HIDDEN"),
            Auth::admin_password("admin", "pw-HIDDEN"),
        ] {
            let text = format!("{auth:?}");
            assert!(!text.contains("HIDDEN"), "{text}");
        }
    }
}
