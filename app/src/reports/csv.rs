//! CSV export of a report's table, as a `data:` link with a file name: the download works
//! without JavaScript and without another round trip (the table is already on the page).

use super::links::encode;

/// A CSV document: a header and rows, written by the one CSV writer every export uses
/// (`domain::csv`: RFC 4180 quoting, and names that would run as spreadsheet formulas kept
/// as text).
pub fn document(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    domain::csv::push_line(&mut out, header.iter().map(|h| (*h, false)));
    for row in rows {
        domain::csv::push_text_line(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// The `href` of a download link for `csv`.
pub fn data_url(csv: &str) -> String {
    format!("data:text/csv;charset=utf-8,{}", encode(csv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted() {
        let csv = document(
            &["name", "total"],
            &[vec!["Doe, \"Jo\"".into(), "12.50".into()]],
        );
        assert_eq!(csv, "name,total\r\n\"Doe, \"\"Jo\"\"\",12.50\r\n");
    }

    #[test]
    fn a_customer_named_like_a_formula_stays_text() {
        let csv = document(
            &["customer", "lifetime sales"],
            &[vec!["=HYPERLINK(\"http://evil\")".into(), "-12.50".into()]],
        );
        assert_eq!(
            csv,
            "customer,lifetime sales\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",-12.50\r\n"
        );
        // Every character a spreadsheet starts a formula with (issue 17, hole 4).
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let csv = document(&["customer"], &[vec![format!("{lead}1+1")]]);
            assert_eq!(csv, format!("customer\r\n\"'{lead}1+1\"\r\n"), "{lead:?}");
        }
    }

    #[test]
    fn data_urls_encode_line_breaks() {
        assert_eq!(data_url("a,b\r\n"), "data:text/csv;charset=utf-8,a,b%0D%0A");
    }
}
