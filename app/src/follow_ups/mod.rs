//! Follow-ups (issue 16): working an abandoned cart (claim, contact, close as Won back, Lost or
//! an opportunity, reopen) and asking a new order's customer for feedback; the Customer
//! feedback report.

pub mod api;
mod cart_tab;
mod feedback;
mod opportunities;
mod order_card;

pub use cart_tab::follow_up_tab;
pub use feedback::{FeedbackReportPage, customer_feedback};
pub use opportunities::{OpportunitiesPage, OpportunityPage};
pub use order_card::order_follow_up;
