//! The grids' server path (`app::grids::server`, what every list and export server function
//! runs after its role check) against a real Postgres: hostile input in every URL parameter of
//! every grid gives rows or a clear validation error, never an internal error; saved views
//! merge as documented; CSV exports hold exactly the filtered rows.

use app::grids::codec::encode_pairs;
use app::grids::server::{export_csv, load_page, resolve};
use domain::AppError;
use domain::grid::accounts::AccountField;
use domain::grid::carts::CartField;
use domain::grid::credit_memos::CreditMemoField;
use domain::grid::customers::CustomerField;
use domain::grid::lines::{
    AddressField, CartItemField, CreditMemoItemField, HistoryField, OrderItemField,
};
use domain::grid::orders::OrderField;
use domain::grid::subscribers::SubscriberField;
use domain::grid::{Condition, FilterKind, GridField, GridRecord};
use futures::StreamExt;
use store::PgPool;
use store::grid::{GridSource, Tz};

const TZ: Tz = chrono_tz::Europe::Paris;

async fn load(pool: &PgPool) {
    sqlx::raw_sql(include_str!("../../crates/store/tests/fixtures/grids.sql"))
        .execute(pool)
        .await
        .expect("fixture loads");
}

/// Values that break naive parsers, SQL, LIKE patterns, dates and numbers.
fn hostile() -> Vec<String> {
    let mut list: Vec<String> = [
        "'",
        "\"",
        "%",
        "_",
        "\\",
        "%_%",
        "' or '1'='1",
        "'; drop table carts; --",
        "1; select pg_sleep(10)",
        "-1",
        "0",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "-0",
        "1.5",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "now()",
        "true",
        "null",
        "open,lost",
        ",,,",
        "<script>alert(1)</script>",
        "🍰",
        "\u{0}",
        " ",
        "a%00b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    list.push("x".repeat(10 * 1024));
    list
}

/// Every parameter a grid reads: its own and the URL contract's.
fn keys<F: GridField>() -> Vec<String> {
    let mut keys: Vec<String> = ["page", "per_page", "sort", "cols", "view"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for f in F::ALL {
        let key = f.key();
        match f.def().filter {
            Some(FilterKind::Text) => {
                keys.extend([key.into(), format!("{key}_eq"), format!("{key}_match")])
            }
            Some(FilterKind::Number) => keys.extend([format!("{key}_min"), format!("{key}_max")]),
            Some(FilterKind::Date) => keys.extend([
                format!("{key}_min"),
                format!("{key}_max"),
                format!("{key}_preset"),
            ]),
            Some(_) => keys.push(key.into()),
            None => {}
        }
    }
    keys
}

async fn never_internal<F: GridSource>(pool: &PgPool) {
    for key in keys::<F>() {
        for value in hostile() {
            let query = encode_pairs(&[(key.as_str(), value.as_str())]);
            match load_page::<F>(pool, &query, TZ).await {
                Ok(page) => assert!(page.total >= page.rows.len() as i64, "{} {key}", F::GRID),
                Err(AppError::Invalid { field, message }) => {
                    assert!(
                        !message.is_empty() && !field.is_empty(),
                        "{} {key}: an empty message",
                        F::GRID
                    );
                    assert!(
                        message.len() < 300,
                        "{} {key}: the message echoes the input",
                        F::GRID
                    );
                }
                Err(other) => panic!(
                    "{} {key}={:?}: {other:?}",
                    F::GRID,
                    value.chars().take(40).collect::<String>()
                ),
            }
        }
    }
    // Malformed query strings as a whole.
    let long = format!("email={}", "y".repeat(20 * 1024));
    for raw in [
        "%",
        "&&&",
        "=",
        "==",
        "page",
        "page=1&page=2",
        "sort=&sort=-",
        "%zz=%zz",
        long.as_str(),
    ] {
        match load_page::<F>(pool, raw, TZ).await {
            Ok(_) | Err(AppError::Invalid { .. }) => {}
            Err(other) => panic!("{} ?{raw:.40}: {other:?}", F::GRID),
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn hostile_urls_give_rows_or_a_clear_error_on_every_grid(pool: PgPool) {
    load(&pool).await;
    never_internal::<CartField>(&pool).await;
    never_internal::<OrderField>(&pool).await;
    never_internal::<CustomerField>(&pool).await;
    never_internal::<AccountField>(&pool).await;
    never_internal::<CreditMemoField>(&pool).await;
    never_internal::<SubscriberField>(&pool).await;
    never_internal::<CartItemField>(&pool).await;
    never_internal::<OrderItemField>(&pool).await;
    never_internal::<CreditMemoItemField>(&pool).await;
    never_internal::<AddressField>(&pool).await;
    never_internal::<HistoryField>(&pool).await;
    // And nothing was dropped on the way.
    let page = load_page::<CartField>(&pool, "", TZ).await.unwrap();
    assert_eq!(page.total, 8);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_saved_view_is_the_base_the_url_overrides(pool: PgPool) {
    load(&pool).await;
    let id = store::grid::views::save(
        &pool,
        1,
        "carts",
        "Open",
        "status=open&sort=grand_total&per_page=25",
    )
    .await
    .unwrap();
    let q = resolve::<CartField>(&pool, &format!("view={id}"), TZ)
        .await
        .unwrap();
    assert_eq!(q.view, Some(id));
    assert_eq!(q.per_page, 25);
    assert_eq!(
        q.condition(CartField::Status),
        Some(&Condition::AnyOf(vec!["open".into()]))
    );
    let q = resolve::<CartField>(&pool, &format!("view={id}&status=lost&page=2"), TZ)
        .await
        .unwrap();
    assert_eq!(
        q.condition(CartField::Status),
        Some(&Condition::AnyOf(vec!["lost".into()]))
    );
    assert_eq!((q.page, q.per_page), (2, 25));
    // Another grid's view, or one that is gone: a clear error naming the view.
    for raw in [format!("view={}", id + 100), "view=abc".to_string()] {
        assert!(
            matches!(resolve::<CartField>(&pool, &raw, TZ).await, Err(AppError::Invalid { field, .. }) if field == "view")
        );
    }
    assert!(matches!(
        resolve::<OrderField>(&pool, &format!("view={id}"), TZ).await,
        Err(AppError::Invalid { .. })
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn csv_exports_hold_the_filtered_rows_safely(pool: PgPool) {
    load(&pool).await;
    let query = "status=open,lost&cols=cart_id,customer,grand_total,status";
    let mut stream = Box::pin(
        export_csv::<CartField>(pool.clone(), query, TZ, None)
            .await
            .unwrap(),
    );
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        text.push_str(&chunk.unwrap());
    }
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "Cart ID,Customer,Grand total,Status,Currency",
            "1004,Guest,0.00,Open,EUR",
            "1002,Ann O'Brien,20.00,Open,EUR",
            "1005,<script>alert(1)</script> Test,310.50,Lost,EUR",
            "1001,Ann O'Brien,55.00,Open,EUR",
        ]
    );
    // The rows are those of the grid, whatever the page.
    let page = load_page::<CartField>(&pool, query, TZ).await.unwrap();
    assert_eq!(page.total as usize, lines.len() - 1);
    assert_eq!(page.rows[0].id(), 104);
    // Bad input fails before anything is sent.
    assert!(
        export_csv::<CartField>(pool.clone(), "created_at_min=yesterday", TZ, None)
            .await
            .is_err()
    );
    // A storefront name or email a spreadsheet would run as a formula stays text (issue 17,
    // hole 4), whichever character starts it (tabs and line breaks around a name are trimmed).
    for lead in ["=", "+", "-", "@", "\t", "\r", "\t=", "\r\n@", " +"] {
        // The cart's customer (named from the customer record) and the cart's own email.
        sqlx::query("update customers set first_name = $1 where id = 12")
            .bind(format!("{lead}HYPERLINK(1)"))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("update carts set email = $1 where id = 105")
            .bind(format!("{lead}cmd@evil.example"))
            .execute(&pool)
            .await
            .unwrap();
        let mut stream = Box::pin(
            export_csv::<CartField>(
                pool.clone(),
                "status=lost&cols=cart_id,customer,email",
                TZ,
                None,
            )
            .await
            .unwrap(),
        );
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            text.push_str(&chunk.unwrap());
        }
        let row = text.split("\r\n").nth(1).unwrap_or_default();
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 3, "{lead:?}: {row:?}");
        for field in &fields[1..] {
            let value = field.strip_prefix('"').unwrap_or(field);
            assert!(
                !value.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{lead:?}: a live formula in {row:?}"
            );
            assert!(value.contains("HYPERLINK(1)") || value.contains("cmd@evil.example"));
        }
    }
}
