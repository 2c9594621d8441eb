//! System › Automation rules (issue 16): an administrator's small rule list per channel that
//! hands out and tidies follow-up work after every sync (store::rules runs them).

pub mod api;
mod page;

pub use page::AutomationRulesPage;
