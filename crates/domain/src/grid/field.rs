//! What a grid is made of: fields (columns and filters), described once per grid by an enum.
//! Sort columns and filter fields are always one of these enums' variants, never request text.

use super::query::Sort;
use std::fmt::Debug;
use std::hash::Hash;

/// A fixed value of a multi-choice filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What the URL carries (`open`, `2`).
    pub value: &'static str,
    pub label: &'static str,
}

/// How a field is filtered, and so which URL parameters it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    /// `key=text`: contains, case-insensitive; `key_eq=text`: equals, case-insensitive.
    Text,
    /// `key=a,b`: one of fixed values.
    Choice(&'static [Choice]),
    /// `key=a,b`: one of the values found in the data (Magento order statuses are free text).
    Values,
    /// `key_min=` / `key_max=`: a number range, both ends included.
    Number,
    /// `key_min=` / `key_max=` (YYYY-MM-DD, whole days in the user's zone, both included), or
    /// `key_preset=today|last_7_days|last_30_days|this_month` (rolling: resolved on each load).
    Date,
    /// `key=true|false`.
    Bool,
    /// `key=<id>`: exactly this id (a CRM record id or a Magento id).
    Id,
    /// `channel=<channel id>`.
    Channel,
    /// `website=<Magento website id>`.
    Website,
}

/// A field of a grid: a column, a filter, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// The key in URLs (`created_at`), saved views and CSV headers' order.
    pub key: &'static str,
    pub label: &'static str,
    /// Shown as a column (false: a filter only, e.g. "this customer's orders").
    pub column: bool,
    /// Visible until the user chooses columns.
    pub visible: bool,
    pub sortable: bool,
    pub filter: Option<FilterKind>,
    /// Offered in the filter panel (false: set by links from record pages only).
    pub in_panel: bool,
    /// Numbers and money: right-aligned.
    pub numeric: bool,
}

impl FieldDef {
    /// A visible column, neither sortable nor filterable yet.
    pub const fn col(key: &'static str, label: &'static str) -> Self {
        FieldDef {
            key,
            label,
            column: true,
            visible: true,
            sortable: false,
            filter: None,
            in_panel: true,
            numeric: false,
        }
    }

    /// A filter without a column, set by links (a record page's related list).
    pub const fn link_filter(key: &'static str, label: &'static str, kind: FilterKind) -> Self {
        FieldDef {
            key,
            label,
            column: false,
            visible: false,
            sortable: false,
            filter: Some(kind),
            in_panel: false,
            numeric: false,
        }
    }

    /// Not visible until chosen in the column chooser.
    pub const fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }

    pub const fn sortable(mut self) -> Self {
        self.sortable = true;
        self
    }

    pub const fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    pub const fn filter(mut self, kind: FilterKind) -> Self {
        self.filter = Some(kind);
        self
    }

    /// Filterable by links only, not from the filter panel.
    pub const fn not_in_panel(mut self) -> Self {
        self.in_panel = false;
        self
    }
}

/// The fields of one grid. Implemented by one enum per grid; `ALL` lists every variant in
/// column order.
pub trait GridField:
    Copy + Eq + Hash + Debug + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static
{
    /// The grid's name in saved views, CSV file names and logs (`carts`).
    const GRID: &'static str;
    /// Every field, in column order.
    const ALL: &'static [Self];
    /// The sort when the URL names none.
    const DEFAULT_SORT: Sort<Self>;

    fn def(self) -> FieldDef;

    fn key(self) -> &'static str {
        self.def().key
    }

    fn label(self) -> &'static str {
        self.def().label
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.key() == key)
    }

    /// The columns shown until the user chooses.
    fn default_columns() -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|f| f.def().column && f.def().visible)
            .collect()
    }
}

/// Serialises a field enum as its URL key, so wire data and saved views read like URLs.
macro_rules! serde_by_key {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::grid::GridField::key(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = <String as serde::Deserialize>::deserialize(d)?;
                <$ty as $crate::grid::GridField>::from_key(&key).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} field \"{key}\"",
                        <$ty as $crate::grid::GridField>::GRID
                    ))
                })
            }
        }
    };
}
pub(crate) use serde_by_key;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::grid::RESERVED_KEYS;
    use std::collections::HashSet;

    /// Keys are unique, never collide with the grid's own parameters or with the suffixed
    /// parameters of another field, and the default sort is sortable.
    pub fn check_fields<F: GridField>() {
        let mut params = HashSet::new();
        for f in F::ALL {
            let def = f.def();
            assert!(
                !RESERVED_KEYS.contains(&def.key),
                "{}: {}",
                F::GRID,
                def.key
            );
            let own: Vec<String> = match def.filter {
                Some(FilterKind::Text) => vec![
                    def.key.into(),
                    format!("{}_eq", def.key),
                    format!("{}_match", def.key),
                ],
                Some(FilterKind::Number) => {
                    vec![format!("{}_min", def.key), format!("{}_max", def.key)]
                }
                Some(FilterKind::Date) => vec![
                    format!("{}_min", def.key),
                    format!("{}_max", def.key),
                    format!("{}_preset", def.key),
                ],
                _ => vec![def.key.into()],
            };
            for p in own {
                assert!(params.insert(p.clone()), "{}: parameter {p} twice", F::GRID);
            }
            assert_eq!(F::from_key(def.key), Some(*f));
            assert!(
                def.column || def.filter.is_some(),
                "{} does nothing",
                def.key
            );
            assert!(
                !def.sortable || def.column,
                "{} sorts but is no column",
                def.key
            );
        }
        assert!(F::DEFAULT_SORT.field.def().sortable, "{}", F::GRID);
        assert!(!F::default_columns().is_empty());
    }
}
