//! Server-side helpers of the activities functions.

/// The signed-in user's day (a task due "today" is due in their time zone).
pub fn today() -> chrono::NaiveDate {
    let tz = crate::timezone::server::current();
    chrono::Utc::now().with_timezone(&tz).date_naive()
}
