//! Magento's partial-response selector: `?fields=items[entity_id,updated_at],total_count`.

/// A parsed `fields=` selection. A key maps to `None` when its whole value is kept, or to a
/// nested selection applied to the object (or to each object of the array) under it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldMask {
    entries: Vec<(String, Option<FieldMask>)>,
}

impl FieldMask {
    /// Parses the selector. Magento silently ignores what it cannot match, so do we: a stray
    /// bracket ends the current list instead of failing the request.
    pub fn parse(text: &str) -> Option<FieldMask> {
        let mut chars = text.chars().peekable();
        let mask = parse_list(&mut chars);
        (!mask.entries.is_empty()).then_some(mask)
    }

    /// Whether `key` is selected, and the selection below it (`None` = all of it).
    pub fn select(&self, key: &str) -> Option<Option<&FieldMask>> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, sub)| sub.as_ref())
    }
}

fn parse_list(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> FieldMask {
    let mut mask = FieldMask::default();
    let mut name = String::new();
    loop {
        match chars.next() {
            None | Some(']') => {
                push(&mut mask, &mut name, None);
                return mask;
            }
            Some(',') => push(&mut mask, &mut name, None),
            Some('[') => {
                let sub = parse_list(chars);
                push(&mut mask, &mut name, Some(sub));
                if chars.peek() == Some(&',') {
                    chars.next();
                }
            }
            Some(c) if c.is_whitespace() => {}
            Some(c) => name.push(c),
        }
    }
}

fn push(mask: &mut FieldMask, name: &mut String, sub: Option<FieldMask>) {
    if !name.is_empty() {
        mask.entries.push((std::mem::take(name), sub));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_selections() {
        let m = FieldMask::parse("items[entity_id,payment[method]],total_count").unwrap();
        let items = m.select("items").unwrap().unwrap();
        assert_eq!(items.select("entity_id"), Some(None));
        assert!(
            items
                .select("payment")
                .unwrap()
                .unwrap()
                .select("method")
                .is_some()
        );
        assert_eq!(m.select("total_count"), Some(None));
        assert_eq!(m.select("search_criteria"), None);
        assert!(FieldMask::parse("").is_none());
    }
}
