//! Automation rules' server functions: all need `ManageIntegrations` (Administrator).

use domain::AppError;
use domain::rules::{RuleChoices, RuleInput, RuleLine};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, Postcard};
use serde::{Deserialize, Serialize};

/// The rules page's data: every rule, and what a new rule can be set to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesPage {
    pub rules: Vec<RuleLine>,
    pub choices: RuleChoices,
}

#[server(input = GetUrl, output = Postcard, endpoint = "list_automation_rules")]
pub async fn list_automation_rules() -> Result<RulesPage, AppError> {
    crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    Ok(RulesPage {
        rules: crate::grids::server::answer(store::rules::list(&pool, tz).await)?,
        choices: crate::grids::server::answer(store::rules::choices(&pool).await)?,
    })
}

/// Adds a rule; it first runs after the channel's next sync.
#[server(input = Json, output = Postcard, endpoint = "create_automation_rule")]
pub async fn create_automation_rule(rule: RuleInput) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    let spec = rule.check()?;
    let pool = crate::server::pool()?;
    let id = crate::grids::server::answer(store::rules::create(&pool, &spec, user.id).await)?;
    tracing::info!(
        by = user.id,
        rule = id,
        kind = spec.kind.as_str(),
        "automation rule created"
    );
    Ok(id)
}

#[server(output = Postcard, endpoint = "set_automation_rule_enabled")]
pub async fn set_automation_rule_enabled(id: i64, enabled: bool) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    crate::grids::server::answer(
        store::rules::set_enabled(&crate::server::pool()?, id, enabled).await,
    )?;
    tracing::info!(by = user.id, rule = id, enabled, "automation rule switched");
    Ok(())
}

#[server(output = Postcard, endpoint = "delete_automation_rule")]
pub async fn delete_automation_rule(id: i64) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ManageIntegrations)?;
    crate::grids::server::answer(store::rules::delete(&crate::server::pool()?, id).await)?;
    tracing::info!(by = user.id, rule = id, "automation rule deleted");
    Ok(())
}
