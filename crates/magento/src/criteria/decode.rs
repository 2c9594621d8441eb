//! The query-string decoder: `searchCriteria[...]` pairs back into [`SearchCriteria`].

use std::collections::BTreeMap;

use super::{Condition, Direction, Filter, SearchCriteria, SortOrder};

impl SearchCriteria {
    /// Parses a query string back into criteria. Accepts snake_case and camelCase keys,
    /// raw or percent-encoded brackets, `+` or `%20` for spaces; keys outside
    /// `searchCriteria` other than `fields` are ignored. Missing `condition_type` means
    /// `eq` and a missing `direction` means DESC, as in Magento.
    pub fn from_query(query: &str) -> Result<Self, CriteriaParseError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut groups: BTreeMap<u32, BTreeMap<u32, PartialFilter>> = BTreeMap::new();
        let mut sorts: BTreeMap<u32, (Option<String>, Option<Direction>)> = BTreeMap::new();
        let mut criteria = SearchCriteria::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let (key, value) = (key.into_owned(), value.into_owned());
            if key == "fields" {
                criteria.fields = Some(value);
                continue;
            }
            let Some(rest) = key.strip_prefix("searchCriteria") else {
                continue;
            };
            let path = brackets(rest)
                .ok_or_else(|| CriteriaParseError::new(&key, "malformed brackets"))?;
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let bad = |msg: &str| CriteriaParseError::new(&key, msg);
            let index = |s: &str| s.parse::<u32>().map_err(|_| bad("index is not a number"));
            match path.as_slice() {
                [] => {}
                [fg, g, "filters", f, part] if is(fg, "filter_groups") => {
                    let filter = groups
                        .entry(index(g)?)
                        .or_default()
                        .entry(index(f)?)
                        .or_default();
                    match *part {
                        "field" => filter.field = Some(value),
                        "value" => filter.value = Some(value),
                        p if is(p, "condition_type") => {
                            filter.condition = Some(
                                Condition::parse(&value)
                                    .ok_or_else(|| bad("unknown condition_type"))?,
                            )
                        }
                        _ => return Err(bad("unknown filter part")),
                    }
                }
                [so, s, part] if is(so, "sort_orders") => {
                    let sort = sorts.entry(index(s)?).or_default();
                    match *part {
                        "field" => sort.0 = Some(value),
                        "direction" => {
                            sort.1 = Some(match value.trim().to_ascii_uppercase().as_str() {
                                "ASC" => Direction::Asc,
                                "DESC" => Direction::Desc,
                                _ => return Err(bad("direction must be ASC or DESC")),
                            })
                        }
                        _ => return Err(bad("unknown sort order part")),
                    }
                }
                [p] if is(p, "page_size") => criteria.page_size = Some(index(&value)?),
                [p] if is(p, "current_page") => criteria.current_page = Some(index(&value)?),
                _ => return Err(bad("unknown searchCriteria key")),
            }
        }
        for (_, filters) in groups {
            let group = filters
                .into_values()
                .map(|f| {
                    Ok(Filter {
                        field: f.field.ok_or_else(|| {
                            CriteriaParseError::new("filters", "filter without field")
                        })?,
                        condition: f.condition.unwrap_or(Condition::Eq),
                        value: f.value.unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, CriteriaParseError>>()?;
            criteria.filter_groups.push(group);
        }
        for (_, (field, direction)) in sorts {
            let field = field
                .ok_or_else(|| CriteriaParseError::new("sortOrders", "sort order without field"))?;
            criteria.sort_orders.push(SortOrder {
                field,
                direction: direction.unwrap_or(Direction::Desc),
            });
        }
        Ok(criteria)
    }
}

/// True when `key` is `snake` or its camelCase spelling.
fn is(key: &str, snake: &str) -> bool {
    if key == snake {
        return true;
    }
    let mut camel = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            camel.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            camel.push(c);
        }
    }
    key == camel
}

/// Splits `[a][b][c]` into `a, b, c`.
fn brackets(mut s: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    while !s.is_empty() {
        let inner = s.strip_prefix('[')?;
        let end = inner.find(']')?;
        parts.push(inner[..end].to_owned());
        s = &inner[end + 1..];
    }
    Some(parts)
}

#[derive(Default)]
struct PartialFilter {
    field: Option<String>,
    value: Option<String>,
    condition: Option<Condition>,
}

/// A query string that is not a valid `searchCriteria`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid searchCriteria key `{key}`: {message}")]
pub struct CriteriaParseError {
    /// The offending key.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl CriteriaParseError {
    fn new(key: &str, message: &str) -> Self {
        Self {
            key: key.to_owned(),
            message: message.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_accepts_camel_case_raw_brackets_and_defaults() {
        let q = "searchCriteria[filterGroups][3][filters][7][field]=a+b\
                 &searchCriteria[filterGroups][3][filters][7][value]=x%20y\
                 &searchCriteria[sort_orders][0][field]=id\
                 &searchCriteria[page_size]=10&searchCriteria[current_page]=4&other=1";
        let c = SearchCriteria::from_query(q).unwrap();
        assert_eq!(c.filter_groups, vec![vec![Filter::eq("a b", "x y")]]);
        assert_eq!(
            c.sort_orders,
            vec![SortOrder {
                field: "id".into(),
                direction: Direction::Desc
            }]
        );
        assert_eq!((c.page_size, c.current_page), (Some(10), Some(4)));
        assert!(SearchCriteria::from_query("searchCriteria[bogus]=1").is_err());
        assert!(SearchCriteria::from_query("searchCriteria[sortOrders][0][direction]=UP").is_err());
    }
}
