//! The navigation of product.md §5. An entry appears only when its page exists, the user's role
//! may open it, and (for synced data) some active channel syncs that entity.

use crate::auth::SessionInfo;
use domain::{Entity, Permission};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavSection {
    pub title: &'static str,
    pub items: Vec<NavItem>,
}

/// The menu for this session, sections without entries left out.
pub fn sections(session: &SessionInfo) -> Vec<NavSection> {
    let Some(user) = &session.user else {
        return Vec::new();
    };
    let read = user.can(Permission::ReadData);
    let shows = |entity: Entity| read && session.syncs(entity);
    let item = |label, href| NavItem { label, href };

    let mut all = vec![NavSection {
        title: "",
        items: if read {
            vec![item("Dashboard", "/"), item("My tasks", "/tasks")]
        } else {
            vec![item("Dashboard", "/")]
        },
    }];

    let mut customers = Vec::new();
    if shows(Entity::Customers) {
        customers.push(item("Magento Customers", "/customers"));
        customers.push(item("Accounts", "/accounts"));
    }
    all.push(NavSection {
        title: "Customers",
        items: customers,
    });

    let mut sales = Vec::new();
    if shows(Entity::Carts) {
        sales.push(item("Shopping Carts", "/carts"));
        // Opportunities come from carts.
        sales.push(item("Opportunities", "/opportunities"));
    }
    if shows(Entity::Orders) {
        sales.push(item("Orders", "/orders"));
    }
    if shows(Entity::CreditMemos) {
        sales.push(item("Credit Memos", "/credit-memos"));
    }
    if shows(Entity::Products) {
        sales.push(item("Products", "/products"));
    }
    all.push(NavSection {
        title: "Sales",
        items: sales,
    });

    let mut marketing = Vec::new();
    if shows(Entity::NewsletterSubscribers) {
        marketing.push(item("Newsletter Subscribers", "/newsletter-subscribers"));
    }
    if shows(Entity::Customers) || shows(Entity::Carts) {
        marketing.push(item("Marketing Lists", "/lists"));
    }
    if user.can(Permission::ManageLists) && shows(Entity::Carts) {
        marketing.push(item("Email templates", "/email-templates"));
    }
    all.push(NavSection {
        title: "Marketing",
        items: marketing,
    });

    // Reports need order or cart data to say anything.
    let mut reports = Vec::new();
    if user.can(Permission::ReadReports)
        && (session.syncs(Entity::Orders) || session.syncs(Entity::Carts))
    {
        reports.push(item("Reports", "/reports"));
    }
    all.push(NavSection {
        title: "Reports",
        items: reports,
    });

    let mut system = Vec::new();
    if user.can(Permission::ManageIntegrations) {
        system.push(item("Channels", "/channels"));
        system.push(item("Automation rules", "/automation-rules"));
    }
    // What the CRM sent to the stores: everyone may read it (only some may send).
    if read && session.has_channels {
        system.push(item("Store actions", "/store-actions"));
    }
    if user.can(Permission::ManageUsers) {
        system.push(item("Users & roles", "/users"));
    }
    all.push(NavSection {
        title: "System",
        items: system,
    });

    all.retain(|s| !s.items.is_empty());
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{CurrentUser, Role};

    fn session(role: Role, entities: &[Entity]) -> SessionInfo {
        SessionInfo {
            user: Some(CurrentUser {
                id: 1,
                email: "a@b.co".into(),
                name: "A".into(),
                role,
                time_zone: None,
                must_change_password: false,
            }),
            synced_entities: entities.to_vec(),
            sends_email: false,
            has_channels: !entities.is_empty(),
        }
    }

    fn hrefs(s: &SessionInfo) -> Vec<&'static str> {
        sections(s)
            .into_iter()
            .flat_map(|s| s.items)
            .map(|i| i.href)
            .collect()
    }

    #[test]
    fn anonymous_sessions_get_no_menu() {
        assert!(sections(&SessionInfo::default()).is_empty());
    }

    #[test]
    fn entries_for_unsynced_data_are_hidden() {
        // My tasks belongs to the user, not to a synced entity.
        assert_eq!(hrefs(&session(Role::Sales, &[])), vec!["/", "/tasks"]);
        let with_carts = hrefs(&session(Role::Sales, &[Entity::Customers, Entity::Carts]));
        assert!(with_carts.contains(&"/carts"));
        assert!(!with_carts.contains(&"/orders"));
        assert!(!with_carts.contains(&"/newsletter-subscribers"));
    }

    #[test]
    fn only_administrators_see_channels_and_users() {
        assert!(hrefs(&session(Role::Administrator, &[])).contains(&"/users"));
        assert!(hrefs(&session(Role::Administrator, &[])).contains(&"/channels"));
        for role in [Role::Sales, Role::Marketing, Role::Viewer] {
            let links = hrefs(&session(role, &Entity::ALL));
            assert!(!links.contains(&"/users"), "{role:?}");
            assert!(!links.contains(&"/channels"), "{role:?}");
        }
    }

    #[test]
    fn reports_appear_with_order_or_cart_data() {
        assert!(!hrefs(&session(Role::Viewer, &[Entity::Customers])).contains(&"/reports"));
        let with_orders = hrefs(&session(Role::Viewer, &[Entity::Customers, Entity::Orders]));
        assert!(with_orders.contains(&"/reports"));
    }
}
