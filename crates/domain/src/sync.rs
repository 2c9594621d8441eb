//! Sync jobs as the console shows them: kind, status, per-entity progress and counts.

use crate::Entity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Incremental (the first one imports the history).
    Sync,
    /// Re-read everything since the sync start date.
    Full,
    /// Re-fetch the records of the open error log.
    RetryErrors,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Sync => "sync",
            JobKind::Full => "full",
            JobKind::RetryErrors => "retry_errors",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sync" => Some(JobKind::Sync),
            "full" => Some(JobKind::Full),
            "retry_errors" => Some(JobKind::RetryErrors),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobKind::Sync => "Sync",
            JobKind::Full => "Full sync",
            JobKind::RetryErrors => "Retry failed records",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "succeeded" => Some(JobStatus::Succeeded),
            "failed" => Some(JobStatus::Failed),
            "canceled" => Some(JobStatus::Canceled),
            _ => None,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobTrigger {
    Schedule,
    Manual,
    Setup,
    Cli,
}

impl JobTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            JobTrigger::Schedule => "schedule",
            JobTrigger::Manual => "manual",
            JobTrigger::Setup => "setup",
            JobTrigger::Cli => "cli",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "schedule" => Some(JobTrigger::Schedule),
            "manual" => Some(JobTrigger::Manual),
            "setup" => Some(JobTrigger::Setup),
            "cli" => Some(JobTrigger::Cli),
            _ => None,
        }
    }
}

/// Progress and counts of one entity within a job.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityProgress {
    pub entity: String,
    /// Records the store reported for this run (known after the first page).
    pub total: Option<i64>,
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub failed: i64,
    #[serde(with = "crate::wire::time_option")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::wire::time_option")]
    pub finished_at: Option<DateTime<Utc>>,
}

impl EntityProgress {
    /// Share done, 0.0 to 1.0 (1.0 once finished, whatever the estimate said).
    pub fn fraction(&self) -> f64 {
        if self.finished_at.is_some() {
            return 1.0;
        }
        match self.total {
            Some(t) if t > 0 => (self.fetched as f64 / t as f64).clamp(0.0, 1.0),
            _ => 0.0,
        }
    }

    /// Parses the entity column; `None` for the dictionaries step.
    pub fn entity(&self) -> Option<Entity> {
        self.entity.parse().ok()
    }
}

/// One sync job with its per-entity progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: i64,
    pub channel_id: i64,
    pub kind: JobKind,
    pub status: JobStatus,
    pub trigger: JobTrigger,
    #[serde(with = "crate::wire::time")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::wire::time_option")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::wire::time_option")]
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub entities: Vec<EntityProgress>,
}

impl JobSummary {
    pub fn duration_ms(&self) -> Option<i64> {
        let start = self.started_at?;
        let end = self.finished_at.unwrap_or_else(Utc::now);
        Some((end - start).num_milliseconds().max(0))
    }

    pub fn fetched(&self) -> i64 {
        self.entities.iter().map(|e| e.fetched).sum()
    }

    pub fn failed(&self) -> i64 {
        self.entities.iter().map(|e| e.failed).sum()
    }
}
