//! Roles and the permissions they carry (product.md §5). The server enforces these in one place;
//! the UI reads them only to hide what a user may not do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a signed-in user may do. Every server function names exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read synced CRM data: grids, record pages.
    ReadData,
    /// Read dashboards and reports.
    ReadReports,
    /// Act into the store: create carts, convert carts to orders, edit customers, mark carts lost.
    StoreActions,
    /// Log calls, emails, notes and tasks on records; work follow-ups.
    Activities,
    /// Manage newsletter subscriptions.
    ManageSubscribers,
    /// Build, refresh and export marketing lists (and, later, email templates).
    ManageLists,
    /// Set up channels, run syncs, read and retry the sync error log.
    ManageIntegrations,
    /// Create users, change roles, deactivate users.
    ManageUsers,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::ReadData,
        Permission::ReadReports,
        Permission::StoreActions,
        Permission::Activities,
        Permission::ManageSubscribers,
        Permission::ManageLists,
        Permission::ManageIntegrations,
        Permission::ManageUsers,
    ];
}

/// The four roles of product.md §5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Sales,
    Marketing,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Sales,
        Role::Marketing,
        Role::Viewer,
    ];

    /// The permission matrix. Kept as one match so a reviewer sees it whole.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Administrator => true,
            Role::Sales => matches!(
                permission,
                ReadData | ReadReports | StoreActions | Activities
            ),
            Role::Marketing => matches!(
                permission,
                ReadData | ReadReports | ManageSubscribers | ManageLists
            ),
            Role::Viewer => matches!(permission, ReadData | ReadReports),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Sales => "sales",
            Role::Marketing => "marketing",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Sales => "Sales",
            Role::Marketing => "Marketing",
            Role::Viewer => "Viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "administrator" | "admin" => Ok(Role::Administrator),
            "sales" => Ok(Role::Sales),
            "marketing" => Ok(Role::Marketing),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "unknown role \"{other}\": expected administrator, sales, marketing or viewer"
            )),
        }
    }
}

/// The signed-in user as the UI sees it. Never carries the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The IANA time zone the user chose; `None` follows the browser.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The password was generated and printed: nothing but changing it is allowed.
    #[serde(default)]
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_matrix_is_exactly_product_md() {
        use Permission::*;
        let expected: &[(Role, &[Permission])] = &[
            (Role::Administrator, &Permission::ALL),
            (
                Role::Sales,
                &[ReadData, ReadReports, StoreActions, Activities],
            ),
            (
                Role::Marketing,
                &[ReadData, ReadReports, ManageSubscribers, ManageLists],
            ),
            (Role::Viewer, &[ReadData, ReadReports]),
        ];
        for (role, allowed) in expected {
            for permission in Permission::ALL {
                assert_eq!(
                    role.allows(permission),
                    allowed.contains(&permission),
                    "{role:?} × {permission:?}"
                );
            }
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.label().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}

/// A user as the Users page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub is_active: bool,
    #[serde(with = "crate::wire::time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}
