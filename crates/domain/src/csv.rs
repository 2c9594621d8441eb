//! The one CSV writer every export uses (grids, reports, the command line): RFC 4180 quoting,
//! CRLF line ends, and text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or
//! a carriage return first) prefixed with `'`, so a storefront customer named `=HYPERLINK(…)`
//! stays text in Excel, LibreOffice and Google Sheets. Numbers are never prefixed: `-5.00` is
//! a number, and a value that reads as a plain decimal number cannot be a formula.

/// Appends one field.
pub fn push_field(out: &mut String, value: &str, is_number: bool) {
    let guarded = !is_number && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = guarded
        || value.contains([',', '"', '\n', '\r'])
        || value.starts_with(' ')
        || value.ends_with(' ');
    if quoted {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// Appends one line of `(value, is_number)` fields.
pub fn push_line<'a>(out: &mut String, fields: impl IntoIterator<Item = (&'a str, bool)>) {
    for (i, (value, is_number)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, value, is_number);
    }
    out.push_str("\r\n");
}

/// Whether a text is a plain decimal number (`12`, `-5.00`, `3.5e2` is not): such a value is
/// written as it is, whatever column it sits in.
pub fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A line of texts whose numbers are recognised by their shape (for rows that carry no types,
/// such as a report's table or a serialised record).
pub fn push_text_line<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    push_line(out, fields.into_iter().map(|f| (f, is_plain_number(f))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[(&str, bool)]) -> String {
        let mut out = String::new();
        push_line(&mut out, fields.iter().copied());
        out
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(
            line(&[("plain", false), ("12.50", true)]),
            "plain,12.50\r\n"
        );
        assert_eq!(
            line(&[("a,b", false), ("say \"hi\"", false)]),
            "\"a,b\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(line(&[("two\nlines", false)]), "\"two\nlines\"\r\n");
    }

    #[test]
    fn formulas_stay_text_but_negative_numbers_stay_numbers() {
        assert_eq!(
            line(&[("=HYPERLINK(\"x\")", false)]),
            "\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
        assert_eq!(
            line(&[("@SUM(A1)", false), ("-5.00", true)]),
            "\"'@SUM(A1)\",-5.00\r\n"
        );
        for formula in ["+1+1", "-2+3+cmd|' /C calc'!A0", "\tx", "\rx"] {
            assert!(line(&[(formula, false)]).starts_with("\"'"), "{formula:?}");
        }
    }

    #[test]
    fn numbers_are_told_by_their_shape() {
        for n in ["0", "12", "-5", "-5.00", "1234.5678"] {
            assert!(is_plain_number(n), "{n}");
        }
        for t in [
            "", "-", "1.", ".5", "1e3", "=1", "-1+2", "12 ", "1,000", "--1",
        ] {
            assert!(!is_plain_number(t), "{t:?}");
        }
        let mut out = String::new();
        push_text_line(&mut out, ["-5.00", "-2+3"]);
        assert_eq!(out, "-5.00,\"'-2+3\"\r\n");
    }
}
