//! Shapes shared by the console's pages.

use serde::{Deserialize, Serialize};

/// One open failure of the sync error log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncErrorView {
    pub id: i64,
    pub entity: String,
    pub magento_id: Option<String>,
    pub field_path: Option<String>,
    pub message: String,
    /// The record's payload, pretty-printed.
    pub payload: Option<String>,
    pub attempts: i32,
    #[serde(with = "domain::wire::time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(with = "domain::wire::time")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(feature = "ssr")]
impl From<store::sync_errors::SyncErrorEntry> for SyncErrorView {
    fn from(e: store::sync_errors::SyncErrorEntry) -> Self {
        SyncErrorView {
            id: e.id,
            entity: e.entity,
            magento_id: e.magento_id,
            field_path: e.field_path,
            message: e.message,
            payload: e
                .payload
                .map(|p| serde_json::to_string_pretty(&p).unwrap_or_default()),
            attempts: e.attempts,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Live state of a channel, streamed to its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelLive {
    pub status: domain::ChannelStatus,
    pub status_message: Option<String>,
    pub job: Option<domain::sync::JobSummary>,
}
