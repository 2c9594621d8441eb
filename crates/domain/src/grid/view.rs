//! Saved views (a user's named grid states) and the choices the filter panel offers.

use crate::AppError;
use serde::{Deserialize, Serialize};

/// Longest saved view name, in characters.
pub const MAX_VIEW_NAME: usize = 80;
/// Longest saved view state (a canonical query string).
pub const MAX_VIEW_QUERY: usize = 4000;

/// A saved view: a name for a grid's filters, sort, columns and page size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The grid's URL parameters, canonical (see `GridQuery::to_pairs`), without `view`.
    pub query: String,
}

/// Checks and tidies a view name.
pub fn validate_view_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "Give the view a name."));
    }
    if name.chars().count() > MAX_VIEW_NAME {
        return Err(AppError::invalid(
            "name",
            format!("A view name has at most {MAX_VIEW_NAME} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "A view name is one line of text.",
        ));
    }
    Ok(name.to_string())
}

/// A value the filter panel offers, with its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionItem {
    pub value: String,
    pub label: String,
}

/// Choices that come from the data: channels, websites, order statuses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridOptions {
    /// Channel id → name.
    pub channels: Vec<OptionItem>,
    /// Magento website id → name (names of every channel's website with that id).
    pub websites: Vec<OptionItem>,
    /// Order statuses found in the data (Magento statuses are free text per store).
    pub order_statuses: Vec<OptionItem>,
}

impl GridOptions {
    /// The label of a channel id, for a filter chip.
    pub fn channel_label(&self, id: i64) -> Option<&str> {
        let id = id.to_string();
        self.channels
            .iter()
            .find(|o| o.value == id)
            .map(|o| o.label.as_str())
    }

    /// The label of a Magento website id.
    pub fn website_label(&self, id: i64) -> Option<&str> {
        let id = id.to_string();
        self.websites
            .iter()
            .find(|o| o.value == id)
            .map(|o| o.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_names_are_one_short_line() {
        assert_eq!(validate_view_name("  Open carts ").unwrap(), "Open carts");
        assert!(validate_view_name(" ").is_err());
        assert!(validate_view_name("a\nb").is_err());
        assert!(validate_view_name(&"x".repeat(81)).is_err());
    }
}
