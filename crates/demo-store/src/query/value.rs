//! Column values compared the way MySQL compares them with a string literal, which is what
//! every searchCriteria value is:
//! - numeric columns convert the literal's numeric prefix (`'12abc'` = 12, `'true'` = 0);
//! - date columns parse the literal as a datetime, or compare as text when it is no date;
//! - text columns compare case-insensitively, ignoring trailing spaces (`*_general_ci`).

use std::borrow::Cow;
use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::clock::Ts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Dec,
    Str,
    Date,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    Null,
    Int(i64),
    Dec(Decimal),
    Str(Cow<'a, str>),
    Date(Ts),
}

impl<'a> Val<'a> {
    pub fn str(s: &'a str) -> Val<'a> {
        Val::Str(Cow::Borrowed(s))
    }

    pub fn opt_str(s: Option<&'a str>) -> Val<'a> {
        s.map(Val::str).unwrap_or(Val::Null)
    }

    pub fn opt_int(v: Option<i64>) -> Val<'a> {
        v.map(Val::Int).unwrap_or(Val::Null)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The column as MySQL would print it (what LIKE and FIND_IN_SET see).
    pub fn db_text(&self) -> Cow<'_, str> {
        match self {
            Val::Null => Cow::Borrowed(""),
            Val::Int(i) => Cow::Owned(i.to_string()),
            Val::Dec(d) => Cow::Owned(format!("{:.4}", d)),
            Val::Str(s) => Cow::Borrowed(s),
            Val::Date(ts) => Cow::Owned(ts.to_string()),
        }
    }

    /// Ordering for ORDER BY: NULL first, then by the column's type.
    pub fn sort_cmp(&self, other: &Val<'_>) -> Ordering {
        match (self, other) {
            (Val::Null, Val::Null) => Ordering::Equal,
            (Val::Null, _) => Ordering::Less,
            (_, Val::Null) => Ordering::Greater,
            (Val::Int(a), Val::Int(b)) => a.cmp(b),
            (Val::Date(a), Val::Date(b)) => a.cmp(b),
            (Val::Str(a), Val::Str(b)) => ci_cmp(a, b),
            (a, b) => a.number().cmp(&b.number()),
        }
    }

    fn number(&self) -> Decimal {
        match self {
            Val::Int(i) => Decimal::from(*i),
            Val::Dec(d) => *d,
            Val::Date(ts) => Decimal::from(ts.0),
            Val::Str(s) => mysql_number(s),
            Val::Null => Decimal::ZERO,
        }
    }
}

/// A filter literal, pre-converted once for every column type.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub text: String,
    pub number: Decimal,
    pub date: Option<Ts>,
}

impl Literal {
    pub fn new(text: &str) -> Literal {
        Literal {
            text: text.to_string(),
            number: mysql_number(text),
            date: Ts::parse(text),
        }
    }

    /// `column <op> literal` ordering; None when the column is NULL (no comparison holds).
    pub fn compare(&self, v: &Val<'_>) -> Option<Ordering> {
        Some(match v {
            Val::Null => return None,
            Val::Int(i) => Decimal::from(*i).cmp(&self.number),
            Val::Dec(d) => d.cmp(&self.number),
            Val::Date(ts) => match self.date {
                Some(t) => ts.cmp(&t),
                None => ts.to_string().as_str().cmp(self.text.as_str()),
            },
            Val::Str(s) => ci_cmp(s, &self.text),
        })
    }
}

/// MySQL's string-to-number conversion: the longest numeric prefix, else 0.
pub fn mysql_number(text: &str) -> Decimal {
    let t = text.trim_start();
    let bytes = t.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let mantissa = &t[..end];
    if end == digits_start || mantissa.trim_start_matches(['+', '-']) == "." {
        return Decimal::ZERO;
    }
    let mut value: Decimal = mantissa
        .trim_end_matches('.')
        .parse()
        .unwrap_or(Decimal::ZERO);
    // Exponent (`1e3`): rare in filters but MySQL honours it.
    let rest = &t[end..];
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp_digits: String = exp
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))
            .map(|(_, c)| c)
            .collect();
        if let Ok(e) = exp_digits.parse::<i32>() {
            let factor = Decimal::from(10u64.pow(e.unsigned_abs().min(18)));
            value = if e >= 0 {
                value.checked_mul(factor).unwrap_or(value)
            } else {
                value / factor
            };
        }
    }
    value
}

/// Case-insensitive comparison ignoring trailing spaces, without allocating.
pub fn ci_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_end_matches(' '), b.trim_end_matches(' '));
    if a.is_ascii() && b.is_ascii() {
        return a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Any,
    One,
    Lit(char),
}

/// A compiled LIKE pattern: `%` any run, `_` one character, `\` escapes; case-insensitive.
#[derive(Clone, Debug, PartialEq)]
pub struct LikePattern(Vec<Tok>);

impl LikePattern {
    pub fn new(pattern: &str) -> LikePattern {
        let mut toks = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '%' => {
                    if toks.last() != Some(&Tok::Any) {
                        toks.push(Tok::Any);
                    }
                }
                '_' => toks.push(Tok::One),
                '\\' => toks.push(Tok::Lit(chars.next().unwrap_or('\\'))),
                c => toks.extend(c.to_lowercase().map(Tok::Lit)),
            }
        }
        LikePattern(toks)
    }

    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        // Classic wildcard matching with a single backtrack point for the last `%`.
        let (mut t, mut p) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < chars.len() {
            match self.0.get(p) {
                Some(Tok::Any) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(Tok::One) => {
                    t += 1;
                    p += 1;
                }
                Some(Tok::Lit(c)) if *c == chars[t] => {
                    t += 1;
                    p += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        self.0[p..].iter().all(|tok| *tok == Tok::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_convert_like_mysql() {
        assert_eq!(mysql_number("true"), Decimal::ZERO);
        assert_eq!(mysql_number(" 12abc"), Decimal::from(12));
        assert_eq!(mysql_number("-1.50x"), Decimal::new(-150, 2));
        assert_eq!(mysql_number("1e3"), Decimal::from(1000));
        assert_eq!(mysql_number(""), Decimal::ZERO);
    }

    #[test]
    fn text_compares_case_insensitively() {
        assert_eq!(
            ci_cmp("John@Example.COM", "john@example.com"),
            Ordering::Equal
        );
        assert_eq!(ci_cmp("Zoé ", "ZOÉ"), Ordering::Equal);
        assert_eq!(
            Literal::new("true").compare(&Val::Int(1)),
            Some(Ordering::Greater)
        );
        assert_eq!(Literal::new("x").compare(&Val::Null), None);
    }

    #[test]
    fn like_handles_wildcards() {
        assert!(LikePattern::new("%@example.com").matches("A.B@EXAMPLE.com"));
        assert!(LikePattern::new("J_n%").matches("Jane"));
        assert!(!LikePattern::new("J_n").matches("Jane"));
        assert!(LikePattern::new("100\\%").matches("100%"));
        assert!(LikePattern::new("%a%b%").matches("xxaxxbxx"));
        assert!(!LikePattern::new("%a%b").matches("xxaxxbxx"));
    }
}
