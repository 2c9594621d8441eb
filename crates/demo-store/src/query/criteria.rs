//! `searchCriteria` as Magento's ServiceInputProcessor reads it, and its snake_case echo.

use super::params::Node;
use crate::error::ApiError;
use crate::json::JsonWriter;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub field: Option<String>,
    pub value: Option<String>,
    pub condition_type: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterGroup {
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SortOrder {
    pub field: Option<String>,
    /// Normalised to upper case; None when omitted (which sorts DESC).
    pub direction: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchCriteria {
    pub filter_groups: Vec<FilterGroup>,
    pub sort_orders: Option<Vec<SortOrder>>,
    pub page_size: Option<i64>,
    pub current_page: Option<i64>,
}

/// DTO keys map to setters through `snakeCaseToUpperCamelCase`, and PHP method names are
/// case-insensitive: `filter_groups`, `filterGroups` and `FilterGroups` all land on one setter.
fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn unsupported(key: &str) -> ApiError {
    ApiError::bad_request("\"%fieldName\" is not supported. Correct the field name and try again.")
        .named("fieldName", key)
}

fn int_value(node: &Node) -> Result<i64, ApiError> {
    let text = node.as_str().unwrap_or("");
    text.trim().parse::<i64>().map_err(|_| {
        ApiError::bad_request("The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.")
            .named("value", text)
            .named("type", "int")
    })
}

impl SearchCriteria {
    /// Reads the `searchCriteria` node; a missing node is the 400 Magento gives.
    pub fn from_node(node: Option<&Node>) -> Result<SearchCriteria, ApiError> {
        let Some(node) = node else {
            return Err(ApiError::required("searchCriteria"));
        };
        let mut sc = SearchCriteria::default();
        let Some(map) = node.as_map() else {
            return Ok(sc);
        };
        for (key, child) in map {
            match normalise(key).as_str() {
                "filtergroups" => {
                    for group in child.children() {
                        sc.filter_groups.push(parse_group(group)?);
                    }
                }
                "sortorders" => {
                    let mut orders = Vec::new();
                    for order in child.children() {
                        orders.push(parse_sort(order)?);
                    }
                    sc.sort_orders = Some(orders);
                }
                "pagesize" => sc.page_size = Some(int_value(child)?),
                "currentpage" => sc.current_page = Some(int_value(child)?),
                _ => return Err(unsupported(key)),
            }
        }
        Ok(sc)
    }

    /// The `search_criteria` echo of a search result (snake_case, unset keys omitted).
    pub fn write_echo(&self, w: &mut JsonWriter<'_>) {
        w.begin_object();
        w.key("filter_groups");
        w.begin_array();
        for group in &self.filter_groups {
            w.begin_object();
            w.key("filters");
            w.begin_array();
            for f in &group.filters {
                w.begin_object();
                w.f_req_str("field", f.field.as_deref());
                w.f_req_str("value", f.value.as_deref());
                w.f_opt_str("condition_type", f.condition_type.as_deref());
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
        if let Some(orders) = &self.sort_orders {
            w.key("sort_orders");
            w.begin_array();
            for o in orders {
                w.begin_object();
                w.f_req_str("field", o.field.as_deref());
                w.f_opt_str("direction", o.direction.as_deref());
                w.end_object();
            }
            w.end_array();
        }
        w.f_opt_int("page_size", self.page_size);
        w.f_opt_int("current_page", self.current_page);
        w.end_object();
    }
}

fn parse_group(node: &Node) -> Result<FilterGroup, ApiError> {
    let mut group = FilterGroup::default();
    let Some(map) = node.as_map() else {
        return Ok(group);
    };
    for (key, child) in map {
        if normalise(key) != "filters" {
            return Err(unsupported(key));
        }
        for filter in child.children() {
            group.filters.push(parse_filter(filter)?);
        }
    }
    Ok(group)
}

fn parse_filter(node: &Node) -> Result<Filter, ApiError> {
    let mut f = Filter::default();
    let Some(map) = node.as_map() else {
        return Ok(f);
    };
    for (key, child) in map {
        let value = child.as_str().map(str::to_string);
        match normalise(key).as_str() {
            "field" => f.field = value,
            "value" => f.value = value,
            "conditiontype" => f.condition_type = value,
            _ => return Err(unsupported(key)),
        }
    }
    Ok(f)
}

fn parse_sort(node: &Node) -> Result<SortOrder, ApiError> {
    let mut s = SortOrder::default();
    let Some(map) = node.as_map() else {
        return Ok(s);
    };
    for (key, child) in map {
        let value = child.as_str().map(str::to_string);
        match normalise(key).as_str() {
            "field" => s.field = value,
            "direction" => {
                let dir = value.unwrap_or_default().to_uppercase();
                if dir != "ASC" && dir != "DESC" {
                    return Err(ApiError::bad_request(
                        "The sort order has to be specified as ASC for ascending order or DESC for descending order.",
                    ));
                }
                s.direction = Some(dir);
            }
            _ => return Err(unsupported(key)),
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::params::parse_query;

    fn parse(q: &str) -> Result<SearchCriteria, ApiError> {
        let tree = parse_query(q);
        SearchCriteria::from_node(tree.get("searchCriteria"))
    }

    #[test]
    fn accepts_both_casings() {
        let a = parse("searchCriteria[filter_groups][0][filters][0][field]=x&searchCriteria[filter_groups][0][filters][0][condition_type]=gt&searchCriteria[sort_orders][0][field]=x&searchCriteria[page_size]=5&searchCriteria[current_page]=2").unwrap();
        let b = parse("searchCriteria[filterGroups][0][filters][0][field]=x&searchCriteria[filterGroups][0][filters][0][conditionType]=gt&searchCriteria[sortOrders][0][field]=x&searchCriteria[pageSize]=5&searchCriteria[currentPage]=2").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.page_size, Some(5));
    }

    #[test]
    fn rejects_bad_directions_and_missing_criteria() {
        let e = parse("searchCriteria[sortOrders][0][direction]=up").unwrap_err();
        assert_eq!(e.status, 400);
        assert!(
            e.message
                .starts_with("The sort order has to be specified as ASC")
        );
        assert_eq!(
            parse("x=1").unwrap_err(),
            ApiError::required("searchCriteria")
        );
        let ok = parse("searchCriteria[sortOrders][0][direction]=asc").unwrap();
        assert_eq!(ok.sort_orders.unwrap()[0].direction.as_deref(), Some("ASC"));
    }
}
