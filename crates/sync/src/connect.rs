//! A Magento client for a channel, from its stored settings and decrypted credentials.

use domain::Credentials;
use magento::{Auth, Client, ClientConfig, RetryPolicy};
use std::time::Duration;
use store::channels::ChannelForSync;

/// Timeouts and retries of the sync's client. Tests shorten them.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_concurrent_requests: usize,
    pub retry: RetryPolicy,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_concurrent_requests: 4,
            retry: RetryPolicy::default(),
        }
    }
}

pub fn auth(credentials: &Credentials) -> Auth {
    match credentials {
        Credentials::Bearer { token } => Auth::bearer(token.clone()),
        Credentials::Oauth1 {
            consumer_key,
            consumer_secret,
            access_token,
            access_token_secret,
        } => Auth::oauth1(
            consumer_key.clone(),
            consumer_secret.clone(),
            access_token.clone(),
            access_token_secret.clone(),
        ),
        Credentials::AdminPassword { username, password } => {
            Auth::admin_password(username.clone(), password.clone())
        }
    }
}

pub fn client(
    store_url: &str,
    verify_tls: bool,
    credentials: &Credentials,
    options: &ClientOptions,
) -> Result<Client, magento::Error> {
    let config = ClientConfig::new(store_url, auth(credentials))
        .with_verify_tls(verify_tls)
        .with_timeout(options.timeout)
        .with_connect_timeout(options.connect_timeout)
        .with_max_concurrent_requests(options.max_concurrent_requests)
        .with_retry(options.retry.clone());
    Client::new(config)
}

pub fn client_for(
    channel: &ChannelForSync,
    options: &ClientOptions,
) -> Result<Client, magento::Error> {
    client(
        &channel.summary.settings.store_url,
        channel.summary.settings.verify_tls,
        &channel.credentials,
        options,
    )
}

/// The options of the "careful" client that narrows down a failing page: a few quick retries,
/// since each narrowing step is expected to fail while the bad record is still on the page.
pub fn careful(options: &ClientOptions) -> ClientOptions {
    ClientOptions {
        retry: magento::RetryPolicy {
            max_attempts: 3,
            base_delay: std::time::Duration::from_millis(20),
            max_delay: std::time::Duration::from_millis(200),
            max_retry_after: std::time::Duration::from_secs(5),
        },
        ..options.clone()
    }
}
