//! The Magento entities a channel syncs, and the cart status rules' vocabulary (product.md §3).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A syncable entity. Customers are always synced; the others are chosen per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Entity {
    Customers,
    Carts,
    Orders,
    CreditMemos,
    NewsletterSubscribers,
    /// The catalog: what a cart built from the CRM can hold.
    Products,
}

impl Entity {
    /// In dependency order: a connector may rely on every entity before it.
    pub const ALL: [Entity; 6] = [
        Entity::Customers,
        Entity::Carts,
        Entity::Orders,
        Entity::CreditMemos,
        Entity::NewsletterSubscribers,
        Entity::Products,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Carts => "carts",
            Entity::Orders => "orders",
            Entity::CreditMemos => "credit-memos",
            Entity::NewsletterSubscribers => "newsletter-subscribers",
            Entity::Products => "products",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Entity::Customers => "Customers",
            Entity::Carts => "Shopping carts",
            Entity::Orders => "Orders",
            Entity::CreditMemos => "Credit memos",
            Entity::NewsletterSubscribers => "Newsletter subscribers",
            Entity::Products => "Products",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Entity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalised = s.trim().to_ascii_lowercase().replace('_', "-");
        Entity::ALL
            .into_iter()
            .find(|e| e.as_str() == normalised)
            .ok_or_else(|| {
                format!(
                    "unknown entity \"{s}\": expected customers, carts, orders, credit-memos, newsletter-subscribers or products"
                )
            })
    }
}

/// A cart's CRM status. Purchased, Lost and Converted are sticky (product.md §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CartStatus {
    #[default]
    Open,
    Lost,
    ConvertedToOpportunity,
    Expired,
    Purchased,
}

impl CartStatus {
    pub const ALL: [CartStatus; 5] = [
        CartStatus::Open,
        CartStatus::Lost,
        CartStatus::ConvertedToOpportunity,
        CartStatus::Expired,
        CartStatus::Purchased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CartStatus::Open => "open",
            CartStatus::Lost => "lost",
            CartStatus::ConvertedToOpportunity => "converted_to_opportunity",
            CartStatus::Expired => "expired",
            CartStatus::Purchased => "purchased",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CartStatus::Open => "Open",
            CartStatus::Lost => "Lost",
            CartStatus::ConvertedToOpportunity => "Converted to opportunity",
            CartStatus::Expired => "Expired",
            CartStatus::Purchased => "Purchased",
        }
    }

    /// Sticky statuses are never overwritten by a later sync, only by a user (reopen).
    pub fn is_sticky(self) -> bool {
        matches!(
            self,
            CartStatus::Purchased | CartStatus::Lost | CartStatus::ConvertedToOpportunity
        )
    }
}

impl FromStr for CartStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CartStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown cart status \"{s}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_parse_from_cli_spellings() {
        assert_eq!("credit_memos".parse::<Entity>(), Ok(Entity::CreditMemos));
        assert_eq!(
            "Newsletter-Subscribers".parse::<Entity>(),
            Ok(Entity::NewsletterSubscribers)
        );
        assert!("invoices".parse::<Entity>().is_err());
    }

    #[test]
    fn only_user_or_order_statuses_are_sticky() {
        assert!(CartStatus::Purchased.is_sticky());
        assert!(CartStatus::Lost.is_sticky());
        assert!(!CartStatus::Open.is_sticky());
        assert!(!CartStatus::Expired.is_sticky());
    }
}
