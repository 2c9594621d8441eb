//! A grid's rows as CSV, in its visible columns (the encoding, formula guard included, is
//! `domain::csv`, shared by every export).

use domain::grid::{Cell, GridField, GridRecord};

pub use domain::csv::push_line;

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

    #[test]
    fn grid_lines_use_the_shared_guard() {
        let mut out = String::new();
        push_line(&mut out, [("=HYPERLINK(\"x\")", false), ("-5.00", true)]);
        assert_eq!(out, "\"'=HYPERLINK(\"\"x\"\")\",-5.00\r\n");
        // Every character a spreadsheet starts a formula with (issue 17, hole 4).
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let mut out = String::new();
            let text = format!("{lead}1+1");
            push_line(&mut out, [(text.as_str(), false)]);
            assert_eq!(out, format!("\"'{lead}1+1\"\r\n"), "{lead:?}");
        }
    }
}
