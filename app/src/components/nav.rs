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
        items: vec![item("Dashboard", "/")],
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
    }
    if shows(Entity::Orders) {
        sales.push(item("Orders", "/orders"));
    }
    if shows(Entity::CreditMemos) {
        sales.push(item("Credit Memos", "/credit-memos"));
    }
    all.push(NavSection {
        title: "Sales",
        items: sales,
    });

    let mut marketing = Vec::new();
    if shows(Entity::NewsletterSubscribers) {
        marketing.push(item("Newsletter Subscribers", "/newsletter-subscribers"));
    }
    all.push(NavSection {
        title: "Marketing",
        items: marketing,
    });

    let mut system = Vec::new();
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
            }),
            synced_entities: entities.to_vec(),
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
        assert_eq!(hrefs(&session(Role::Sales, &[])), vec!["/"]);
        let with_carts = hrefs(&session(Role::Sales, &[Entity::Customers, Entity::Carts]));
        assert!(with_carts.contains(&"/carts"));
        assert!(!with_carts.contains(&"/orders"));
        assert!(!with_carts.contains(&"/newsletter-subscribers"));
    }

    #[test]
    fn only_administrators_see_users() {
        assert!(hrefs(&session(Role::Administrator, &[])).contains(&"/users"));
        for role in [Role::Sales, Role::Marketing, Role::Viewer] {
            assert!(
                !hrefs(&session(role, &Entity::ALL)).contains(&"/users"),
                "{role:?}"
            );
        }
    }
}
