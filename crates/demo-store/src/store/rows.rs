//! Which column each table pages on.

use super::Row;
use crate::clock::Ts;
use crate::model::{
    Cart, CreditMemo, Customer, CustomerGroup, Order, Product, ProductAttribute, Subscriber,
};

impl Row for Customer {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        Some(self.updated_at)
    }
}

impl Row for Cart {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        Some(self.updated_at)
    }
}

impl Row for Order {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        Some(self.updated_at)
    }
}

impl Row for CreditMemo {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        Some(self.updated_at)
    }
}

/// Subscribers have no updated_at; `change_status_at` (nullable) plays its part.
impl Row for Subscriber {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        self.change_status_at
    }
}

impl Row for Product {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        Some(self.updated_at)
    }
}

impl Row for CustomerGroup {
    fn id(&self) -> u32 {
        self.id as u32
    }
    fn updated_key(&self) -> Option<Ts> {
        None
    }
}

impl Row for ProductAttribute {
    fn id(&self) -> u32 {
        self.id
    }
    fn updated_key(&self) -> Option<Ts> {
        None
    }
}
