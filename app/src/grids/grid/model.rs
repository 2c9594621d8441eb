//! A page of a grid with its row type erased: what every control is drawn from.
//!
//! Why: the grid draws eleven row types (six grids, five related lists). Views generic over the
//! row type were compiled once per type into the WASM bundle — a third of it. Only the typed
//! state's logic ([`GridQuery`]'s transitions) stays generic, behind [`Query`]; the view code
//! that reads a [`Model`] is compiled once.

use crate::grids::entity::GridEntity;
use domain::grid::{Cell, Condition, FieldDef, GridField, GridPage, GridQuery};

/// URL parameters of a grid state (`GridQuery::to_pairs`).
pub type Pairs = Vec<(String, String)>;

/// A grid page ready to draw.
pub struct Model {
    /// Plural, lower case ("carts").
    pub noun: &'static str,
    /// The CSV export endpoint, if the grid has one.
    pub export: Option<&'static str>,
    /// The grid's name in saved views.
    pub grid: &'static str,
    /// Matching rows in all pages.
    pub total: i64,
    /// The page's rows: one cell per visible column, in column order.
    pub rows: Vec<Vec<Cell>>,
    /// The state the server applied.
    pub query: Box<dyn Query>,
}

impl Model {
    pub fn new<R: GridEntity>(page: GridPage<R>) -> Self {
        let columns = &page.query.columns;
        let rows = page
            .rows
            .iter()
            .map(|row| columns.iter().map(|field| row.cell(*field)).collect())
            .collect();
        Model {
            noun: R::NOUN,
            export: R::EXPORT,
            grid: R::Field::GRID,
            total: page.total,
            rows,
            query: Box::new(page.query),
        }
    }
}

/// A grid's typed state, seen through field definitions and URL parameters. Fields are named
/// by their URL key; every transition answers with the new state's parameters.
pub trait Query: Send + Sync {
    fn page(&self) -> u32;
    fn per_page(&self) -> u32;
    /// The saved view this state came from.
    fn view(&self) -> Option<i64>;
    /// Rows before this page.
    fn offset(&self) -> i64;
    fn last_page(&self, total: i64) -> u32;
    /// Every field of the grid, in column order.
    fn fields(&self) -> Vec<FieldDef>;
    /// The visible columns, in order.
    fn columns(&self) -> Vec<FieldDef>;
    /// The sort field's key and whether it is descending.
    fn sort(&self) -> (&'static str, bool);
    /// The filters applied, in field order.
    fn filters(&self) -> Vec<(FieldDef, Condition)>;
    fn condition(&self, key: &str) -> Option<Condition>;
    fn is_filtered_except(&self, fixed: &[&str]) -> bool;
    /// This state.
    fn pairs(&self) -> Pairs;
    fn with_page(&self, page: u32) -> Pairs;
    fn with_per_page(&self, per_page: u32) -> Pairs;
    /// Sorted by `key` (a second click reverses); and whether that sort is descending.
    fn with_sort(&self, key: &str) -> (Pairs, bool);
    fn without_filter(&self, key: &str) -> Pairs;
    /// Only the filters whose key `keep` accepts, first page, no saved view.
    fn cleared(&self, keep: &dyn Fn(&str) -> bool) -> Pairs;
}

impl<F: GridField> Query for GridQuery<F> {
    fn page(&self) -> u32 {
        self.page
    }

    fn per_page(&self) -> u32 {
        self.per_page
    }

    fn view(&self) -> Option<i64> {
        self.view
    }

    fn offset(&self) -> i64 {
        GridQuery::offset(self)
    }

    fn last_page(&self, total: i64) -> u32 {
        GridQuery::last_page(self, total)
    }

    fn fields(&self) -> Vec<FieldDef> {
        F::ALL.iter().map(|f| f.def()).collect()
    }

    fn columns(&self) -> Vec<FieldDef> {
        self.columns.iter().map(|f| f.def()).collect()
    }

    fn sort(&self) -> (&'static str, bool) {
        (self.sort.field.key(), self.sort.descending)
    }

    fn filters(&self) -> Vec<(FieldDef, Condition)> {
        self.filters
            .iter()
            .map(|f| (f.field.def(), f.condition.clone()))
            .collect()
    }

    fn condition(&self, key: &str) -> Option<Condition> {
        F::from_key(key).and_then(|f| GridQuery::condition(self, f).cloned())
    }

    fn is_filtered_except(&self, fixed: &[&str]) -> bool {
        GridQuery::is_filtered_except(self, fixed)
    }

    fn pairs(&self) -> Pairs {
        self.to_pairs()
    }

    fn with_page(&self, page: u32) -> Pairs {
        GridQuery::with_page(self, page).to_pairs()
    }

    fn with_per_page(&self, per_page: u32) -> Pairs {
        GridQuery::with_per_page(self, per_page).to_pairs()
    }

    fn with_sort(&self, key: &str) -> (Pairs, bool) {
        match F::from_key(key) {
            Some(field) => {
                let next = GridQuery::with_sort(self, field);
                (next.to_pairs(), next.sort.descending)
            }
            None => (self.to_pairs(), self.sort.descending),
        }
    }

    fn without_filter(&self, key: &str) -> Pairs {
        match F::from_key(key) {
            Some(field) => GridQuery::without_filter(self, field).to_pairs(),
            None => self.to_pairs(),
        }
    }

    fn cleared(&self, keep: &dyn Fn(&str) -> bool) -> Pairs {
        let mut cleared = self.clone();
        cleared.filters.retain(|f| keep(f.field.key()));
        cleared.page = 1;
        cleared.view = None;
        cleared.to_pairs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::grid::carts::CartField;

    fn query() -> GridQuery<CartField> {
        let mut q = GridQuery::<CartField> {
            page: 3,
            view: Some(7),
            ..Default::default()
        };
        q.set_filter(
            CartField::from_key("status").unwrap(),
            Some(Condition::AnyOf(vec!["open".into()])),
        );
        q
    }

    #[test]
    fn transitions_answer_what_the_typed_state_does() {
        let q = query();
        let erased: &dyn Query = &q;
        assert_eq!(erased.pairs(), q.to_pairs());
        assert_eq!(erased.with_page(2), q.with_page(2).to_pairs());
        assert_eq!(erased.with_per_page(100), q.with_per_page(100).to_pairs());
        let status = CartField::from_key("status").unwrap();
        assert_eq!(
            erased.without_filter("status"),
            q.without_filter(status).to_pairs()
        );
        assert_eq!(
            erased.condition("status"),
            Some(Condition::AnyOf(vec!["open".into()]))
        );
        assert!(erased.is_filtered_except(&[]));
        assert!(!erased.is_filtered_except(&["status"]));
        let cleared = erased.cleared(&|_| false);
        assert!(
            !cleared
                .iter()
                .any(|(k, _)| k == "status" || k == "page" || k == "view")
        );
        let kept = erased.cleared(&|k| k == "status");
        assert!(kept.iter().any(|(k, _)| k == "status"));
    }

    #[test]
    fn sorting_by_a_key_follows_the_typed_rules_and_unknown_keys_change_nothing() {
        let q = query();
        let erased: &dyn Query = &q;
        let (key, descending) = erased.sort();
        let (again, reversed) = erased.with_sort(key);
        assert_eq!(reversed, !descending);
        assert_eq!(again, q.with_sort(q.sort.field).to_pairs());
        assert_eq!(erased.with_sort("no_such_field").0, q.to_pairs());
        assert_eq!(erased.columns().len(), q.columns.len());
        assert_eq!(erased.fields().len(), CartField::ALL.len());
    }
}
