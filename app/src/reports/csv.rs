//! CSV export of a report's table, as a `data:` link with a file name: the download works
//! without JavaScript and without another round trip (the table is already on the page).

use super::links::encode;

/// A CSV document: a header and rows, fields quoted when they must be (RFC 4180).
pub fn document(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut line = |fields: &mut dyn Iterator<Item = &str>| {
        let quoted: Vec<String> = fields.map(field).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
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
    fn data_urls_encode_line_breaks() {
        assert_eq!(data_url("a,b\r\n"), "data:text/csv;charset=utf-8,a,b%0D%0A");
    }
}
