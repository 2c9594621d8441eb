//! Dashboards and reports (issue 7): the date ranges they cover, the numbers they show and how
//! those numbers read for people. Shared by the server (which computes them in `store::metrics`)
//! and the browser (which draws them).

mod format;
mod range;
mod reports;
mod summary;

pub use format::{Change, Trend, UNDEFINED, count, delta, money, percent, points_delta, ratio};
pub use range::{DateRange, Granularity, Preset};
pub use reports::{
    AbandonedCartRow, AbandonedReport, AbandonedWeek, CartStatusRow, CartsByStatusReport,
    RfmReport, RfmRow, SalesReport, SalesRow,
};
pub use summary::{
    CartSummary, ChannelOption, CurrencySales, CustomerSummary, Dashboard, Money, Period,
    RefundSummary, SalesSummary, SeriesPoint, TopCustomer,
};
