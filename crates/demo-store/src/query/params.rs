//! PHP-style nested query parameters: `searchCriteria[filter_groups][0][filters][0][field]=x`
//! becomes a tree, like PHP's `$_GET`.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Value(String),
    Map(BTreeMap<String, Node>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Value(v) => Some(v),
            Node::Map(_) => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Node>> {
        match self {
            Node::Map(m) => Some(m),
            Node::Value(_) => None,
        }
    }

    /// Children in index order (`[0]`, `[1]`, ... and `[]` appends), as PHP iterates arrays.
    pub fn children(&self) -> Vec<&Node> {
        let Some(map) = self.as_map() else {
            return Vec::new();
        };
        let mut items: Vec<(&String, &Node)> = map.iter().collect();
        items.sort_by(|a, b| match (a.0.parse::<u64>(), b.0.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.0.cmp(b.0),
        });
        items.into_iter().map(|(_, n)| n).collect()
    }
}

/// Parses a raw query string (`+` and `%XX` decoded) into a tree of nodes.
pub fn parse_query(query: &str) -> BTreeMap<String, Node> {
    let mut root: BTreeMap<String, Node> = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let path = split_key(&key);
        if path.is_empty() {
            continue;
        }
        insert(&mut root, &path, value.into_owned());
    }
    root
}

/// `a[b][c]` -> `["a", "b", "c"]`; an unbalanced bracket keeps the rest literal, as PHP does.
fn split_key(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return vec![key.to_string()];
    };
    let mut parts = vec![key[..open].to_string()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        parts.push(stripped[..close].to_string());
        rest = &stripped[close + 1..];
    }
    parts
}

fn insert(map: &mut BTreeMap<String, Node>, path: &[String], value: String) {
    let key = if path[0].is_empty() {
        // `[]` appends: next integer key.
        let next = map
            .keys()
            .filter_map(|k| k.parse::<u64>().ok())
            .max()
            .map(|m| m + 1)
            .unwrap_or(0);
        next.to_string()
    } else {
        path[0].clone()
    };
    if path.len() == 1 {
        map.insert(key, Node::Value(value));
        return;
    }
    let entry = map.entry(key).or_insert_with(|| Node::Map(BTreeMap::new()));
    if let Node::Value(_) = entry {
        *entry = Node::Map(BTreeMap::new());
    }
    if let Node::Map(child) = entry {
        insert(child, &path[1..], value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_nested_trees() {
        let q = "searchCriteria[filter_groups][0][filters][0][field]=updated_at&searchCriteria[filter_groups][0][filters][0][value]=2024-05-01+00%3A00%3A00&searchCriteria[pageSize]=10&fields=items[id]";
        let tree = parse_query(q);
        let sc = tree["searchCriteria"].as_map().unwrap();
        let f = &sc["filter_groups"].children()[0].as_map().unwrap()["filters"].children()[0];
        assert_eq!(
            f.as_map().unwrap()["value"].as_str(),
            Some("2024-05-01 00:00:00")
        );
        assert_eq!(sc["pageSize"].as_str(), Some("10"));
        assert_eq!(tree["fields"].as_str(), Some("items[id]"));
    }

    #[test]
    fn orders_children_numerically() {
        let tree = parse_query("a[10]=x&a[2]=y&a[]=z");
        let values: Vec<_> = tree["a"]
            .children()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert_eq!(values, ["y", "x", "z"]);
    }
}
