//! The fake store's searchCriteria evaluation over in-memory tables.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::response::Response;
use serde_json::{Value, json};

use super::{Req, Shared, Table, json_response};

#[derive(Debug, Default)]
struct Criteria {
    groups: Vec<Vec<(String, String, String)>>,
    sorts: Vec<(String, String)>,
    page_size: Option<usize>,
    current_page: usize,
    fields: Option<String>,
    present: bool,
}

/// An independent searchCriteria parser: keys lower-cased without `_`, so both casings work.
fn parse_criteria(pairs: &[(String, String)]) -> Criteria {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<usize, BTreeMap<usize, HashMap<String, String>>> = BTreeMap::new();
    let mut sorts: BTreeMap<usize, HashMap<String, String>> = BTreeMap::new();
    let mut c = Criteria {
        current_page: 1,
        ..Criteria::default()
    };
    for (key, value) in pairs {
        if key == "fields" {
            c.fields = Some(value.clone());
            continue;
        }
        let Some(rest) = key.strip_prefix("searchCriteria") else {
            continue;
        };
        c.present = true;
        let parts: Vec<String> = rest
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split("][")
            .map(|p| p.replace('_', "").to_lowercase())
            .collect();
        match parts
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["filtergroups", g, "filters", f, part] => {
                groups
                    .entry(g.parse().unwrap())
                    .or_default()
                    .entry(f.parse().unwrap())
                    .or_default()
                    .insert((*part).to_owned(), value.clone());
            }
            ["sortorders", s, part] => {
                sorts
                    .entry(s.parse().unwrap())
                    .or_default()
                    .insert((*part).to_owned(), value.clone());
            }
            ["pagesize"] => c.page_size = value.parse().ok(),
            ["currentpage"] => c.current_page = value.parse::<usize>().unwrap_or(1).max(1),
            _ => {}
        }
    }
    for (_, filters) in groups {
        c.groups.push(
            filters
                .into_values()
                .map(|f| {
                    (
                        f.get("field").cloned().unwrap_or_default(),
                        f.get("conditiontype")
                            .cloned()
                            .unwrap_or_else(|| "eq".into()),
                        f.get("value").cloned().unwrap_or_default(),
                    )
                })
                .collect(),
        );
    }
    for (_, s) in sorts {
        c.sorts.push((
            s.get("field").cloned().unwrap_or_default(),
            s.get("direction")
                .cloned()
                .unwrap_or_else(|| "DESC".into())
                .to_uppercase(),
        ));
    }
    c
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn like(text: &str, pattern: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && go(&t[1..], rest),
            Some((c, rest)) => t.first() == Some(c) && go(&t[1..], rest),
        }
    }
    go(
        &text.chars().collect::<Vec<_>>(),
        &pattern.chars().collect::<Vec<_>>(),
    )
}

fn matches(
    row: &Value,
    table: &Table,
    (field, condition, value): &(String, String, String),
) -> bool {
    use std::cmp::Ordering::*;
    let key = table.aliases.get(field).unwrap_or(field);
    let actual = text_of(row.get(key));
    let cmp = |want: &[std::cmp::Ordering]| {
        actual
            .as_deref()
            .is_some_and(|a| want.contains(&compare(a, value)))
    };
    match condition.as_str() {
        "eq" => cmp(&[Equal]),
        "neq" => !cmp(&[Equal]),
        "gt" => cmp(&[Greater]),
        "gteq" | "moreq" | "from" => cmp(&[Greater, Equal]),
        "lt" => cmp(&[Less]),
        "lteq" | "to" => cmp(&[Less, Equal]),
        "like" => actual.is_some_and(|a| like(&a, value)),
        "nlike" => !actual.is_some_and(|a| like(&a, value)),
        "fulltext" => actual.is_some_and(|a| like(&a, &format!("%{value}%"))),
        "in" => actual.is_some_and(|a| value.split(',').any(|v| compare(&a, v.trim()) == Equal)),
        "nin" => !actual.is_some_and(|a| value.split(',').any(|v| compare(&a, v.trim()) == Equal)),
        "null" => actual.is_none(),
        "notnull" => actual.is_some(),
        "finset" => actual.is_some_and(|a| a.split(',').any(|p| p == value)),
        "nfinset" => !actual.is_some_and(|a| a.split(',').any(|p| p == value)),
        other => panic!("fake store: unknown condition {other}"),
    }
}

pub(super) fn search(shared: &Shared, req: &Req) -> Option<Response> {
    let tables = shared.tables.lock().unwrap();
    let table = tables.get(&req.path)?;
    let c = parse_criteria(&req.pairs());
    if !c.present {
        return Some(json_response(
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}}),
        ));
    }
    let mut rows: Vec<&Value> = table
        .rows
        .iter()
        .filter(|r| {
            c.groups
                .iter()
                .all(|g| g.iter().any(|f| matches(r, table, f)))
        })
        .collect();
    rows.sort_by(|a, b| {
        for (field, direction) in &c.sorts {
            let key = table.aliases.get(field).unwrap_or(field);
            let (x, y) = (
                text_of(a.get(key)).unwrap_or_default(),
                text_of(b.get(key)).unwrap_or_default(),
            );
            let ord = compare(&x, &y);
            let ord = if direction == "ASC" {
                ord
            } else {
                ord.reverse()
            };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        std::cmp::Ordering::Equal
    });
    let total = rows.len();
    let page: Vec<&Value> = match c.page_size.filter(|s| *s > 0) {
        None => rows,
        Some(size) => {
            let last_page = total.div_ceil(size).max(1);
            let current = if shared.legacy_paging.load(Ordering::SeqCst) {
                c.current_page.min(last_page)
            } else {
                c.current_page
            };
            rows.into_iter()
                .skip((current - 1) * size)
                .take(size)
                .collect()
        }
    };
    let keep: Option<Vec<String>> = c.fields.as_deref().and_then(|f| {
        let start = f.find("items[")? + "items[".len();
        let end = start + f[start..].find(']')?;
        Some(f[start..end].split(',').map(str::to_owned).collect())
    });
    let items: Vec<Value> = page
        .into_iter()
        .map(|row| match &keep {
            None => row.clone(),
            Some(keys) => {
                let mut out = serde_json::Map::new();
                for k in keys {
                    if let Some(v) = row.get(k) {
                        out.insert(k.clone(), v.clone());
                    }
                }
                Value::Object(out)
            }
        })
        .collect();
    let total_count = total as u64 + shared.total_count_bias.load(Ordering::SeqCst);
    Some(json_response(
        200,
        json!({"items": items, "search_criteria": {}, "total_count": total_count}),
    ))
}
