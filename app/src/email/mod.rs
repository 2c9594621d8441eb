//! Email from the CRM (issue 16): the templates Marketing keeps, and "Send email" on a cart's
//! follow-up when the installation has SMTP settings (without them only "Log email" exists).

pub mod api;
mod send;
mod templates;

pub use send::EmailShopper;
pub use templates::EmailTemplatesPage;
