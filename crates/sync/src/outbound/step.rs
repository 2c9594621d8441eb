//! One action's run: sending its store call (recorded on the action first) and turning a
//! refusal into what the user reads, next to the field it names.

use crate::connectors::RunContext;
use anyhow::Result;
use domain::Entity;
use domain::actions::{ActionCommand, ActionState, field_named};
use magento::StoreWrite;
use serde_json::Value;
use store::PgPool;
use store::store_actions::{self, ActionLease, Outcome, Targets};

pub struct Step<'a> {
    pub ctx: &'a RunContext,
    lease: &'a mut ActionLease,
}

impl<'a> Step<'a> {
    pub fn new(ctx: &'a RunContext, lease: &'a mut ActionLease) -> Self {
        Step { ctx, lease }
    }

    pub fn pool(&self) -> &PgPool {
        &self.ctx.pool
    }

    pub fn channel_id(&self) -> i64 {
        self.ctx.channel_id
    }

    /// Records the exact request on the action, then sends it. The outer error is Cartwise's
    /// own (the log could not be written: nothing was sent); the inner one is the store's.
    pub async fn send(&mut self, write: &StoreWrite) -> Result<Result<Value, magento::Error>> {
        let route = match &write.store_code {
            Some(code) => format!("{} /rest/{code}/V1/{}", write.method.as_str(), write.path),
            None => format!("{} /V1/{}", write.method.as_str(), write.path),
        };
        store_actions::record_request(self.lease, &route, write.body.as_ref()).await?;
        Ok(self.ctx.client.send_write(write).await)
    }

    /// Records what a read-only action reads (it sends nothing to write).
    pub async fn note(&mut self, route: &str) -> Result<()> {
        store_actions::record_request(self.lease, route, None).await?;
        Ok(())
    }

    /// Re-reads records from the store (best effort: the action's answer stands even when the
    /// CRM's copy must wait for the next sync).
    pub async fn reread(&self, entity: Entity, ids: &[i64]) -> bool {
        match crate::retry::reread(self.ctx, entity, ids).await {
            Ok(counts) => counts.fetched > 0,
            Err(e) => {
                tracing::warn!(channel = self.ctx.channel_id, %entity, ?ids, error = %format!("{e:#}"), "could not re-read after a store action");
                false
            }
        }
    }

    /// The CRM cart (and its customer) of a Magento quote, once read back.
    pub async fn cart_targets(&self, cart: i64) -> Targets {
        match store::checkout::cart_ids(self.pool(), self.channel_id(), cart).await {
            Ok(Some(ids)) => Targets {
                cart_id: Some(ids.id),
                customer_id: ids.customer_id,
                ..Targets::default()
            },
            _ => Targets::default(),
        }
    }
}

/// The store's refusal as the action records it: its raw message and parameters, the text
/// with the parameters filled in, and the field or line it is about.
pub fn refusal(command: &ActionCommand, e: &magento::Error) -> Outcome {
    let http_status = e.status().map(i32::from);
    match e.store_message() {
        Some(m) => {
            let rendered = m.rendered();
            Outcome {
                state: Some(ActionState::Failed),
                http_status,
                field: field_named(command, &m.message, &rendered),
                message: Some(m.message.clone()),
                parameters: m.parameters.clone(),
                rendered: Some(rendered),
                ..Outcome::default()
            }
        }
        None => Outcome {
            state: Some(ActionState::Failed),
            http_status,
            rendered: Some(plain(e)),
            ..Outcome::default()
        },
    }
}

/// A failure without a store message, in words for a sales rep.
fn plain(e: &magento::Error) -> String {
    if e.request_not_processed() || e.is_retryable() {
        format!(
            "The store could not be reached, so nothing was changed: {e}. Try again in a moment."
        )
    } else {
        e.to_string()
    }
}
