//! CSV for exports (RFC 4180): quoted when needed, CRLF line ends, and text that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`) prefixed with `'`, so an exported customer named
//! `=HYPERLINK(…)` stays text.

use domain::grid::{Cell, GridField, GridRecord};

/// Appends one CSV line.
pub fn push_line<'a>(out: &mut String, fields: impl IntoIterator<Item = (&'a str, bool)>) {
    for (i, (value, is_number)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, value, is_number);
    }
    out.push_str("\r\n");
}

fn push_field(out: &mut String, value: &str, is_number: bool) {
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

/// The header line: the visible columns' labels, and `Currency` when money is shown.
pub fn header<R: GridRecord>(columns: &[R::Field]) -> String {
    let mut out = String::new();
    let mut labels: Vec<&str> = columns.iter().map(|c| c.label()).collect();
    if with_currency::<R>(columns) {
        labels.push("Currency");
    }
    push_line(&mut out, labels.into_iter().map(|l| (l, false)));
    out
}

/// One row's line, in the header's columns.
pub fn push_row<R: GridRecord>(out: &mut String, row: &R, columns: &[R::Field]) {
    let cells: Vec<Cell> = columns.iter().map(|c| row.cell(*c)).collect();
    let texts: Vec<String> = cells.iter().map(Cell::plain).collect();
    let mut fields: Vec<(&str, bool)> = texts
        .iter()
        .zip(&cells)
        .map(|(t, c)| (t.as_str(), c.is_number()))
        .collect();
    if with_currency::<R>(columns) {
        fields.push((row.currency().unwrap_or(""), false));
    }
    push_line(out, fields);
}

fn with_currency<R: GridRecord>(columns: &[R::Field]) -> bool {
    R::HAS_CURRENCY && columns.iter().any(|c| c.def().numeric)
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
        assert_eq!(
            line(&[("<script>alert(1)</script>", false)]),
            "<script>alert(1)</script>\r\n"
        );
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
    }
}
