//! `searchCriteria` (contract §4): a builder, the query-string encoder and a decoder.
//!
//! Filters inside one group are OR-ed, groups are AND-ed. The encoder writes the form the
//! contract documents (`filter_groups`, `condition_type`, `sortOrders`, `pageSize`,
//! `currentPage`), always with an explicit `condition_type` and `direction` (Magento's
//! default direction is DESC, a trap for paging). The decoder accepts both the snake_case
//! and camelCase spellings Magento accepts.

mod decode;
mod value;

use crate::http::encode_pairs;

pub use decode::CriteriaParseError;
pub use value::{Condition, FilterValue, magento_datetime};

/// One filter: `field condition value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Filter {
    /// A collection (DB) column, e.g. `entity_id`, `updated_at`, `is_active`.
    pub field: String,
    /// How to compare.
    pub condition: Condition,
    /// The value as sent (see [`FilterValue`]).
    pub value: String,
}

macro_rules! constructors {
    ($($(#[$doc:meta])* $name:ident => $cond:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(field: impl Into<String>, value: impl FilterValue) -> Self {
            Self::new(field, Condition::$cond, value)
        }
    )*};
}

impl Filter {
    /// A filter with any condition.
    pub fn new(field: impl Into<String>, condition: Condition, value: impl FilterValue) -> Self {
        Self {
            field: field.into(),
            condition,
            value: value.to_filter_value(),
        }
    }

    constructors! {
        /// `field = value`.
        eq => Eq,
        /// `field != value`.
        neq => Neq,
        /// `field > value`.
        gt => Gt,
        /// `field >= value`.
        gteq => Gteq,
        /// `field < value`.
        lt => Lt,
        /// `field <= value`.
        lteq => Lteq,
        /// `field >= value` (Magento's `moreq`).
        moreq => Moreq,
        /// `field LIKE value` (`%` wildcards are sent encoded as `%25`).
        like => Like,
        /// `field NOT LIKE value`.
        nlike => Nlike,
        /// `FIND_IN_SET(value, field)`.
        finset => Finset,
        /// `NOT FIND_IN_SET(value, field)`.
        nfinset => Nfinset,
        /// Range start (`from`); use its own filter group.
        from => From,
        /// Range end (`to`); use its own filter group.
        to => To,
        /// `field LIKE %value%` (Magento's `fulltext`).
        fulltext => Fulltext,
    }

    /// `field IN (values)`, sent as a comma-separated list.
    pub fn in_list<V: FilterValue>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self::new(field, Condition::In, join(values))
    }

    /// `field NOT IN (values)`.
    pub fn not_in_list<V: FilterValue>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self::new(field, Condition::Nin, join(values))
    }

    /// `field IS NULL` (Magento requires a value, so a dummy `1` is sent).
    pub fn null(field: impl Into<String>) -> Self {
        Self::new(field, Condition::Null, "1")
    }

    /// `field IS NOT NULL`.
    pub fn not_null(field: impl Into<String>) -> Self {
        Self::new(field, Condition::NotNull, "1")
    }
}

fn join<V: FilterValue>(values: impl IntoIterator<Item = V>) -> String {
    values
        .into_iter()
        .map(|v| v.to_filter_value())
        .collect::<Vec<_>>()
        .join(",")
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending (Magento's default when the direction is omitted).
    Desc,
}

impl Direction {
    /// `ASC` or `DESC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "ASC",
            Self::Desc => "DESC",
        }
    }
}

/// One sort order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortOrder {
    /// The column to sort by.
    pub field: String,
    /// The direction.
    pub direction: Direction,
}

/// A Magento `searchCriteria` plus the optional `fields=` projection.
///
/// ```
/// use magento::{Direction, Filter, SearchCriteria};
/// let c = SearchCriteria::new()
///     .filter(Filter::eq("is_active", true))
///     .any_of([Filter::not_null("customer_id"), Filter::not_null("customer_email")])
///     .sort("updated_at", Direction::Asc)
///     .sort("entity_id", Direction::Asc)
///     .page_size(100)
///     .current_page(1);
/// assert!(c.to_query_string().contains("searchCriteria%5BpageSize%5D=100"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchCriteria {
    /// AND-ed groups of OR-ed filters.
    pub filter_groups: Vec<Vec<Filter>>,
    /// Sort orders, most significant first.
    pub sort_orders: Vec<SortOrder>,
    /// `pageSize`; always set one (omitted means "every row" on most stores).
    pub page_size: Option<u32>,
    /// `currentPage`, 1-based.
    pub current_page: Option<u32>,
    /// `fields=` partial-response projection, e.g. `items[entity_id,updated_at],total_count`.
    pub fields: Option<String>,
}

impl SearchCriteria {
    /// Empty criteria.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a group holding one filter (AND with the other groups).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter_groups.push(vec![filter]);
        self
    }

    /// Adds a group whose filters are OR-ed (the group is AND-ed with the others).
    pub fn any_of(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        let group: Vec<Filter> = filters.into_iter().collect();
        if !group.is_empty() {
            self.filter_groups.push(group);
        }
        self
    }

    /// Appends a sort order.
    pub fn sort(mut self, field: impl Into<String>, direction: Direction) -> Self {
        self.sort_orders.push(SortOrder {
            field: field.into(),
            direction,
        });
        self
    }

    /// Sets `pageSize`.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Sets `currentPage`.
    pub fn current_page(mut self, page: u32) -> Self {
        self.current_page = Some(page);
        self
    }

    /// Sets the `fields=` projection.
    pub fn fields(mut self, fields: impl Into<String>) -> Self {
        self.fields = Some(fields.into());
        self
    }

    /// The decoded `(key, value)` pairs, in a stable order. Empty filter groups are
    /// skipped (indexes stay contiguous). If nothing at all is set, `currentPage=1` is
    /// sent, because every search route rejects a request without `searchCriteria`.
    pub fn to_query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let groups = self.filter_groups.iter().filter(|g| !g.is_empty());
        for (g, group) in groups.enumerate() {
            for (f, filter) in group.iter().enumerate() {
                let key = |part: &str| {
                    format!("searchCriteria[filter_groups][{g}][filters][{f}][{part}]")
                };
                pairs.push((key("field"), filter.field.clone()));
                pairs.push((key("value"), filter.value.clone()));
                pairs.push((key("condition_type"), filter.condition.as_str().to_owned()));
            }
        }
        for (s, order) in self.sort_orders.iter().enumerate() {
            pairs.push((
                format!("searchCriteria[sortOrders][{s}][field]"),
                order.field.clone(),
            ));
            pairs.push((
                format!("searchCriteria[sortOrders][{s}][direction]"),
                order.direction.as_str().to_owned(),
            ));
        }
        if let Some(size) = self.page_size {
            pairs.push(("searchCriteria[pageSize]".to_owned(), size.to_string()));
        }
        if let Some(page) = self.current_page {
            pairs.push(("searchCriteria[currentPage]".to_owned(), page.to_string()));
        }
        if pairs.is_empty() {
            pairs.push(("searchCriteria[currentPage]".to_owned(), "1".to_owned()));
        }
        if let Some(fields) = &self.fields {
            pairs.push(("fields".to_owned(), fields.clone()));
        }
        pairs
    }

    /// The encoded query string (no leading `?`): keys and values percent-encoded with the
    /// RFC 3986 unreserved set, brackets included.
    pub fn to_query_string(&self) -> String {
        let pairs = self.to_query_pairs();
        encode_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn decoded(c: &SearchCriteria) -> Vec<String> {
        c.to_query_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn every_condition_type_encodes_as_magento_expects() {
        for condition in Condition::ALL {
            let c = SearchCriteria::new().filter(Filter::new("updated_at", condition, "x"));
            assert_eq!(
                c.to_query_string(),
                format!(
                    "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=updated_at\
                     &searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=x\
                     &searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D={}",
                    condition.as_str()
                )
            );
            assert_eq!(Condition::parse(condition.as_str()), Some(condition));
        }
    }

    #[test]
    fn groups_are_and_filters_inside_a_group_are_or() {
        let c = SearchCriteria::new()
            .filter(Filter::eq("is_active", true))
            .any_of([
                Filter::not_null("customer_id"),
                Filter::not_null("customer_email"),
            ])
            .sort("updated_at", Direction::Asc)
            .page_size(50)
            .current_page(2);
        assert_eq!(
            decoded(&c),
            [
                "searchCriteria[filter_groups][0][filters][0][field]=is_active",
                "searchCriteria[filter_groups][0][filters][0][value]=1",
                "searchCriteria[filter_groups][0][filters][0][condition_type]=eq",
                "searchCriteria[filter_groups][1][filters][0][field]=customer_id",
                "searchCriteria[filter_groups][1][filters][0][value]=1",
                "searchCriteria[filter_groups][1][filters][0][condition_type]=notnull",
                "searchCriteria[filter_groups][1][filters][1][field]=customer_email",
                "searchCriteria[filter_groups][1][filters][1][value]=1",
                "searchCriteria[filter_groups][1][filters][1][condition_type]=notnull",
                "searchCriteria[sortOrders][0][field]=updated_at",
                "searchCriteria[sortOrders][0][direction]=ASC",
                "searchCriteria[pageSize]=50",
                "searchCriteria[currentPage]=2",
            ]
        );
    }

    #[test]
    fn values_are_percent_encoded_including_wildcards_and_unicode() {
        let c = SearchCriteria::new().filter(Filter::like("email", "50%+a&b #ü"));
        let q = c.to_query_string();
        assert!(q.contains("%5Bvalue%5D=50%25%2Ba%26b%20%23%C3%BC"), "{q}");
        assert_eq!(SearchCriteria::from_query(&q).unwrap(), c);
    }

    #[test]
    fn values_render_booleans_dates_and_lists_the_magento_way() {
        let at = NaiveDate::from_ymd_opt(2024, 5, 1)
            .and_then(|d| d.and_hms_opt(7, 8, 9))
            .map(|d| d.and_utc())
            .unwrap_or_default();
        assert_eq!(Filter::eq("is_active", false).value, "0");
        assert_eq!(Filter::gt("updated_at", at).value, "2024-05-01 07:08:09");
        assert_eq!(Filter::in_list("entity_id", [1, 2, 3]).value, "1,2,3");
        assert_eq!(
            Filter::not_in_list("status", ["a", "b"]).condition,
            Condition::Nin
        );
    }

    #[test]
    fn empty_criteria_still_send_search_criteria() {
        assert_eq!(
            decoded(&SearchCriteria::new()),
            ["searchCriteria[currentPage]=1"]
        );
        let c = SearchCriteria::new().any_of([]).page_size(5);
        assert_eq!(decoded(&c), ["searchCriteria[pageSize]=5"]);
    }
}
