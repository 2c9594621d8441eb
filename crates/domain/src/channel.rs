//! Channels: a connected Magento store and how it is synced (product.md §1).

use crate::{AppError, Entity};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const DEFAULT_INTERVAL_SECS: i32 = 300;
pub const MIN_INTERVAL_SECS: i32 = 30;
pub const DEFAULT_PAGE_SIZE: i32 = 100;
/// Magento's `webapi/validation/maximum_page_size` default: never ask for more.
pub const MAX_PAGE_SIZE: i32 = 300;
pub const DEFAULT_ABANDON_THRESHOLD_SECS: i32 = 3600;
/// Magento's default quote lifetime ("Quote Lifetime (days)").
pub const DEFAULT_CART_LIFETIME_DAYS: i32 = 30;

/// Which side wins when a field changed on both sides (two-way channels).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPriority {
    #[default]
    Remote,
    Local,
}

impl SyncPriority {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncPriority::Remote => "remote",
            SyncPriority::Local => "local",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "remote" => Some(SyncPriority::Remote),
            "local" => Some(SyncPriority::Local),
            _ => None,
        }
    }
}

/// How the store is reached (magento-api.md §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    Bearer,
    Oauth1,
    AdminPassword,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Bearer => "bearer",
            AuthKind::Oauth1 => "oauth1",
            AuthKind::AdminPassword => "admin_password",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "bearer" => Some(AuthKind::Bearer),
            "oauth1" => Some(AuthKind::Oauth1),
            "admin_password" => Some(AuthKind::AdminPassword),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthKind::Bearer => "Access token (Bearer)",
            AuthKind::Oauth1 => "Integration (OAuth 1.0a)",
            AuthKind::AdminPassword => "Admin user and password",
        }
    }
}

/// Store credentials. Write-only: they travel from the browser to the server once and are
/// stored encrypted; nothing ever sends them back. `Debug` never prints them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credentials {
    Bearer {
        token: String,
    },
    Oauth1 {
        consumer_key: String,
        consumer_secret: String,
        access_token: String,
        access_token_secret: String,
    },
    AdminPassword {
        username: String,
        password: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials::{:?}(redacted)", self.kind())
    }
}

impl Credentials {
    pub fn kind(&self) -> AuthKind {
        match self {
            Credentials::Bearer { .. } => AuthKind::Bearer,
            Credentials::Oauth1 { .. } => AuthKind::Oauth1,
            Credentials::AdminPassword { .. } => AuthKind::AdminPassword,
        }
    }

    /// Every part present and free of whitespace a copy-paste might add.
    pub fn validate(&self) -> Result<(), AppError> {
        let check = |field: &str, value: &str| {
            if value.trim().is_empty() {
                Err(AppError::invalid(field, "This field is required."))
            } else if value.len() > 2048 {
                Err(AppError::invalid(field, "This value is too long."))
            } else {
                Ok(())
            }
        };
        match self {
            Credentials::Bearer { token } => check("token", token),
            Credentials::Oauth1 {
                consumer_key,
                consumer_secret,
                access_token,
                access_token_secret,
            } => {
                check("consumer_key", consumer_key)?;
                check("consumer_secret", consumer_secret)?;
                check("access_token", access_token)?;
                check("access_token_secret", access_token_secret)
            }
            Credentials::AdminPassword { username, password } => {
                check("username", username)?;
                check("password", password)
            }
        }
    }
}

/// A channel's settings, everything but the credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSettings {
    pub name: String,
    pub store_url: String,
    pub verify_tls: bool,
    /// Magento website ids to sync; `None` = all websites.
    pub website_ids: Option<Vec<i64>>,
    /// History before this date is not imported.
    #[serde(with = "crate::wire::time_option")]
    pub sync_start_date: Option<NaiveDate>,
    pub sync_interval_secs: i32,
    pub page_size: i32,
    pub abandon_threshold_secs: i32,
    pub cart_lifetime_days: i32,
    pub entities: Vec<Entity>,
    pub two_way: bool,
    pub sync_priority: SyncPriority,
    /// Fields one side owns in two-way sync (it wins their conflicts whatever the priority).
    #[serde(default)]
    pub field_owners: Vec<crate::customer_edit::FieldOwner>,
}

impl ChannelSettings {
    /// The defaults of product.md §1 for a store at `store_url`.
    pub fn new(name: impl Into<String>, store_url: impl Into<String>) -> Self {
        ChannelSettings {
            name: name.into(),
            store_url: store_url.into(),
            verify_tls: true,
            website_ids: None,
            sync_start_date: None,
            sync_interval_secs: DEFAULT_INTERVAL_SECS,
            page_size: DEFAULT_PAGE_SIZE,
            abandon_threshold_secs: DEFAULT_ABANDON_THRESHOLD_SECS,
            cart_lifetime_days: DEFAULT_CART_LIFETIME_DAYS,
            entities: Entity::ALL.to_vec(),
            two_way: false,
            sync_priority: SyncPriority::Remote,
            field_owners: Vec::new(),
        }
    }

    /// "On · the store wins · owners: email the store, customer group Cartwise", or "Off".
    pub fn two_way_summary(&self) -> String {
        if !self.two_way {
            return "Off".into();
        }
        let side = |p: SyncPriority| match p {
            SyncPriority::Remote => "the store",
            SyncPriority::Local => "Cartwise",
        };
        let mut out = format!("On · {} wins", side(self.sync_priority));
        if !self.field_owners.is_empty() {
            let owners: Vec<String> = self
                .field_owners
                .iter()
                .map(|o| format!("{} {}", o.field.label(), side(o.owner)))
                .collect();
            out.push_str(&format!(" · owners: {}", owners.join(", ")));
        }
        out
    }

    pub fn syncs(&self, entity: Entity) -> bool {
        self.entities.contains(&entity)
    }

    /// Checks every setting; the error names the field and says what is acceptable.
    pub fn validate(&mut self) -> Result<(), AppError> {
        self.name = self.name.trim().to_string();
        // One owner per field: the last one given stands.
        self.field_owners.reverse();
        self.field_owners.sort_by_key(|o| o.field);
        self.field_owners.dedup_by_key(|o| o.field);
        if self.name.is_empty() || self.name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "Enter a name of 1 to 100 characters.",
            ));
        }
        self.store_url = normalise_store_url(&self.store_url)?;
        if self.sync_interval_secs < MIN_INTERVAL_SECS || self.sync_interval_secs > 86_400 {
            return Err(AppError::invalid(
                "sync_interval_secs",
                "The sync interval must be between 30 seconds and 24 hours.",
            ));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(AppError::invalid(
                "page_size",
                "The page size must be between 1 and 300.",
            ));
        }
        if !(60..=30 * 86_400).contains(&self.abandon_threshold_secs) {
            return Err(AppError::invalid(
                "abandon_threshold_secs",
                "The abandonment threshold must be between 1 minute and 30 days.",
            ));
        }
        if !(1..=3650).contains(&self.cart_lifetime_days) {
            return Err(AppError::invalid(
                "cart_lifetime_days",
                "The cart lifetime must be between 1 and 3650 days.",
            ));
        }
        if let Some(ids) = &self.website_ids
            && ids.is_empty()
        {
            return Err(AppError::invalid(
                "website_ids",
                "Choose at least one website, or all.",
            ));
        }
        if !self.entities.contains(&Entity::Customers) {
            self.entities.insert(0, Entity::Customers);
        }
        self.entities.sort();
        self.entities.dedup();
        Ok(())
    }
}

/// Checks and tidies a store base URL: http(s), a host, no query or fragment, no trailing slash.
pub fn normalise_store_url(input: &str) -> Result<String, AppError> {
    let url = input.trim().trim_end_matches('/');
    let invalid = |m: &str| AppError::invalid("store_url", m);
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        r
    } else {
        return Err(invalid(
            "Enter the store's address starting with https:// (or http://).",
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(' ') || host.starts_with(':') {
        return Err(invalid("The address has no valid host name."));
    }
    if url.contains('?') || url.contains('#') || url.contains(char::is_whitespace) {
        return Err(invalid("Enter the address without spaces, ? or #."));
    }
    if url.len() > 2000 {
        return Err(invalid("The address is too long."));
    }
    Ok(url.to_string())
}

/// A channel's health as the console shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelStatus {
    Idle,
    Syncing,
    Failed,
    AccessRejected,
}

impl ChannelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelStatus::Idle => "idle",
            ChannelStatus::Syncing => "syncing",
            ChannelStatus::Failed => "failed",
            ChannelStatus::AccessRejected => "access_rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "idle" => Some(ChannelStatus::Idle),
            "syncing" => Some(ChannelStatus::Syncing),
            "failed" => Some(ChannelStatus::Failed),
            "access_rejected" => Some(ChannelStatus::AccessRejected),
            _ => None,
        }
    }
}

/// How newsletter subscribers are read from a store (magento-api.md §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberSource {
    /// The companion module's route: every subscriber incl. guests, with statuses.
    CompanionRoute,
    /// Customers' `is_subscribed` flag: registered customers only, subscribed or not.
    CustomerFlag,
}

impl SubscriberSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberSource::CompanionRoute => "companion_route",
            SubscriberSource::CustomerFlag => "customer_flag",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "companion_route" => Some(SubscriberSource::CompanionRoute),
            "customer_flag" => Some(SubscriberSource::CustomerFlag),
            _ => None,
        }
    }
}

/// A channel as lists and pages show it. Carries no secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    pub id: i64,
    pub settings: ChannelSettings,
    pub auth_kind: AuthKind,
    pub is_active: bool,
    pub status: ChannelStatus,
    pub status_message: Option<String>,
    pub subscriber_source: Option<SubscriberSource>,
    #[serde(with = "crate::wire::time_option")]
    pub last_sync_started_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::wire::time_option")]
    pub last_success_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::wire::time_option")]
    pub next_sync_at: Option<DateTime<Utc>>,
    pub is_demo: bool,
    #[serde(with = "crate::wire::time")]
    pub created_at: DateTime<Utc>,
}

/// Parses `30s`, `5m`, `1h`, `90` (seconds) into seconds.
pub fn parse_interval(s: &str) -> Result<i32, String> {
    let s = s.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("invalid interval \"{s}\": use e.g. 30s, 5m or 1h"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("invalid interval \"{s}\": use e.g. 30s, 5m or 1h")),
    };
    i32::try_from(secs).map_err(|_| format!("interval \"{s}\" is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_product_md() {
        let s = ChannelSettings::new("Shop", "https://shop.example.com");
        assert_eq!(s.sync_interval_secs, 300);
        assert_eq!(s.page_size, 100);
        assert_eq!(s.abandon_threshold_secs, 3600);
        assert_eq!(s.cart_lifetime_days, 30);
        assert_eq!(s.entities, Entity::ALL.to_vec());
        assert!(!s.two_way);
    }

    #[test]
    fn settings_are_validated_field_by_field() {
        let mut s = ChannelSettings::new("  Shop ", "https://shop.example.com/");
        s.validate().unwrap();
        assert_eq!(s.name, "Shop");
        assert_eq!(s.store_url, "https://shop.example.com");
        for (change, field) in [
            (
                Box::new(|s: &mut ChannelSettings| s.page_size = 301)
                    as Box<dyn Fn(&mut ChannelSettings)>,
                "page_size",
            ),
            (
                Box::new(|s: &mut ChannelSettings| s.sync_interval_secs = 10),
                "sync_interval_secs",
            ),
            (
                Box::new(|s: &mut ChannelSettings| s.name = " ".into()),
                "name",
            ),
            (
                Box::new(|s: &mut ChannelSettings| s.store_url = "ftp://x".into()),
                "store_url",
            ),
            (
                Box::new(|s: &mut ChannelSettings| s.website_ids = Some(vec![])),
                "website_ids",
            ),
        ] {
            let mut s = ChannelSettings::new("Shop", "https://shop.example.com");
            change(&mut s);
            match s.validate() {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn customers_are_always_synced() {
        let mut s = ChannelSettings::new("Shop", "https://shop.example.com");
        s.entities = vec![Entity::Orders];
        s.validate().unwrap();
        assert_eq!(s.entities, vec![Entity::Customers, Entity::Orders]);
    }

    #[test]
    fn store_urls_are_checked() {
        assert_eq!(
            normalise_store_url(" http://localhost:8080/ ").unwrap(),
            "http://localhost:8080"
        );
        assert!(normalise_store_url("shop.example.com").is_err());
        assert!(normalise_store_url("https://").is_err());
        assert!(normalise_store_url("https://shop.example.com/?a=1").is_err());
    }

    #[test]
    fn intervals_parse_with_units() {
        assert_eq!(parse_interval("30s"), Ok(30));
        assert_eq!(parse_interval("5m"), Ok(300));
        assert_eq!(parse_interval("1h"), Ok(3600));
        assert_eq!(parse_interval("90"), Ok(90));
        assert!(parse_interval("5 minutes").is_err());
    }

    #[test]
    fn credentials_never_show_in_debug_output() {
        let c = Credentials::Bearer {
            token: "s3cr3t".into(),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert!(
            Credentials::Bearer { token: " ".into() }
                .validate()
                .is_err()
        );
    }
}

/// What the wizard's Connection step sends to "Check connection" and "Create". Secret fields
/// are write-only: left blank when editing, the stored secret is kept.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInput {
    /// When editing: the channel whose stored secrets fill blank fields.
    pub channel_id: Option<i64>,
    pub store_url: String,
    pub verify_tls: bool,
    pub auth_kind: Option<AuthKind>,
    pub token: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub access_token_secret: String,
    pub admin_username: String,
    pub admin_password: String,
}

impl fmt::Debug for ConnectionInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionInput")
            .field("channel_id", &self.channel_id)
            .field("store_url", &self.store_url)
            .field("auth_kind", &self.auth_kind)
            .finish_non_exhaustive()
    }
}

impl ConnectionInput {
    /// True when every secret field of the chosen method is blank (keep the stored ones).
    pub fn secrets_blank(&self) -> bool {
        match self.auth_kind {
            Some(AuthKind::Bearer) => self.token.trim().is_empty(),
            Some(AuthKind::Oauth1) => [
                &self.consumer_key,
                &self.consumer_secret,
                &self.access_token,
                &self.access_token_secret,
            ]
            .iter()
            .all(|s| s.trim().is_empty()),
            Some(AuthKind::AdminPassword) => self.admin_password.trim().is_empty(),
            None => true,
        }
    }

    /// The credentials typed in, or `None` when they are left blank (editing).
    pub fn credentials(&self) -> Result<Option<Credentials>, AppError> {
        if self.secrets_blank() && self.channel_id.is_some() {
            return Ok(None);
        }
        let t = |s: &String| s.trim().to_string();
        let credentials = match self.auth_kind {
            Some(AuthKind::Bearer) => Credentials::Bearer {
                token: t(&self.token),
            },
            Some(AuthKind::Oauth1) => Credentials::Oauth1 {
                consumer_key: t(&self.consumer_key),
                consumer_secret: t(&self.consumer_secret),
                access_token: t(&self.access_token),
                access_token_secret: t(&self.access_token_secret),
            },
            Some(AuthKind::AdminPassword) => Credentials::AdminPassword {
                username: t(&self.admin_username),
                password: self.admin_password.clone(),
            },
            None => {
                return Err(AppError::invalid(
                    "auth_kind",
                    "Choose how Cartwise signs in to the store.",
                ));
            }
        };
        credentials.validate()?;
        Ok(Some(credentials))
    }
}

/// A website, store group or store view found by "Check connection".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreScope {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The website of a store group or store view.
    pub website_id: Option<i64>,
}

/// Why a connection check failed, as the wizard explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckFailure {
    InvalidUrl,
    Dns,
    Tls,
    Refused,
    Timeout,
    AccessRejected,
    MissingPermission,
    NotMagento,
    TwoFactorRequired,
    InvalidCredentials,
    StoreError,
}

/// The result of "Check connection".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub failure: Option<CheckFailure>,
    /// What happened, in words an administrator can act on.
    pub message: String,
    pub rest_root: Option<String>,
    pub magento_version: Option<String>,
    pub websites: Vec<StoreScope>,
    pub store_groups: Vec<StoreScope>,
    pub store_views: Vec<StoreScope>,
    /// `available`, `missing` (fallback to customers' is_subscribed) or `forbidden`.
    pub subscriber_route: Option<String>,
    pub clock_skew_seconds: Option<i64>,
}

impl ConnectionCheck {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}
