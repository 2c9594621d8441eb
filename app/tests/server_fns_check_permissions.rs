//! Every server function starts by checking the session and role (`require(..)` or
//! `require_user()`), unless it is listed as public. A new server function without the check
//! fails this test.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_server_function_checks_the_session_and_role() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (index, _) in text.match_indices("#[server(") {
            let rest = &text[index..];
            let endpoint = rest
                .split("endpoint = \"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("?");
            let body_start = rest
                .find(") -> ")
                .and_then(|i| rest[i..].find('{').map(|j| i + j));
            let body_start = body_start.expect("function body");
            // The first lines of the body must run the check.
            let head: String = rest[body_start..]
                .lines()
                .take(6)
                .collect::<Vec<_>>()
                .join("\n");
            let path = format!("/api/{endpoint}");
            let public = app::auth::PUBLIC_SERVER_FNS.contains(&path.as_str());
            assert!(
                public || head.contains("require(") || head.contains("require_user()"),
                "server function `{endpoint}` in {} does not start with require(..)",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "found only {checked} server functions");
}
