//! The key check: a process started with another key than the one the stored credentials are
//! encrypted with is told so (instead of failing to decrypt later, or silently making new
//! ciphertexts nobody can read with the old key), the key rotates in one transaction, and a lost
//! key is recovered from by discarding only what cannot be decrypted.

use domain::{ChannelSettings, ChannelStatus, Credentials};
use store::PgPool;
use store::key_check::{self, Rotation, Verdict};
use store::secrets::Cipher;

const A: [u8; 32] = [1u8; 32];
const B: [u8; 32] = [2u8; 32];
const C: [u8; 32] = [3u8; 32];

fn token(t: &str) -> Credentials {
    Credentials::Bearer { token: t.into() }
}

async fn channel(pool: &PgPool, key: &[u8; 32], name: &str) -> i64 {
    let settings =
        ChannelSettings::new(name, format!("https://{}.example.com", name.to_lowercase()));
    store::channels::create(pool, &Cipher::new(key), &settings, &token(name), false)
        .await
        .unwrap()
}

async fn checks(pool: &PgPool) -> Vec<Vec<u8>> {
    sqlx::query_scalar("select fingerprint from secret_key_checks")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn sealed(pool: &PgPool) -> Vec<Option<Vec<u8>>> {
    sqlx::query_scalar("select credentials from channels order by id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_first_start_records_the_key_and_the_same_key_matches(pool: PgPool) {
    let a = Cipher::new(&A);
    assert_eq!(
        key_check::verify_or_record(&pool, &a).await.unwrap(),
        Verdict::Recorded
    );
    assert_eq!(
        key_check::verify_or_record(&pool, &a).await.unwrap(),
        Verdict::Matches
    );
    let stored = checks(&pool).await;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].windows(8).any(|w| A.windows(8).any(|k| k == w)),
        "the check must not hold the key"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_key_is_refused_while_credentials_are_stored(pool: PgPool) {
    let id = channel(&pool, &A, "Main").await;
    key_check::verify_or_record(&pool, &Cipher::new(&A))
        .await
        .unwrap();
    let before = checks(&pool).await;
    assert_eq!(
        key_check::verify_or_record(&pool, &Cipher::new(&B))
            .await
            .unwrap(),
        Verdict::WrongKey {
            channels: vec!["Main".into()]
        }
    );
    assert_eq!(checks(&pool).await, before, "a wrong key changes nothing");
    // Nothing encrypted: another key is harmless and becomes the key.
    store::channels::delete(&pool, id).await.unwrap();
    assert_eq!(
        key_check::verify_or_record(&pool, &Cipher::new(&B))
            .await
            .unwrap(),
        Verdict::Replaced
    );
    assert_eq!(
        key_check::verify_or_record(&pool, &Cipher::new(&B))
            .await
            .unwrap(),
        Verdict::Matches
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_upgrading_installation_records_its_key_only_if_it_decrypts_what_is_stored(
    pool: PgPool,
) {
    // Channels stored before the check existed.
    channel(&pool, &A, "Main").await;
    channel(&pool, &A, "Outlet").await;
    assert_eq!(
        key_check::verify_or_record(&pool, &Cipher::new(&B))
            .await
            .unwrap(),
        Verdict::WrongKey {
            channels: vec!["Main".into(), "Outlet".into()]
        }
    );
    assert!(
        checks(&pool).await.is_empty(),
        "a wrong key is not recorded"
    );
    assert_eq!(
        key_check::verify_or_record(&pool, &Cipher::new(&A))
            .await
            .unwrap(),
        Verdict::Recorded
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rotation_re_encrypts_every_credential_and_moves_the_check(pool: PgPool) {
    let (a, b) = (Cipher::new(&A), Cipher::new(&B));
    let main = channel(&pool, &A, "Main").await;
    let outlet = channel(&pool, &A, "Outlet").await;
    key_check::verify_or_record(&pool, &a).await.unwrap();
    assert_eq!(
        key_check::rotate(&pool, &a, &b).await.unwrap(),
        Rotation::Done { channels: 2 }
    );
    for (id, name) in [(main, "Main"), (outlet, "Outlet")] {
        let stored = store::channels::for_sync(&pool, &b, id).await.unwrap();
        assert_eq!(stored.credentials, token(name));
        assert!(store::channels::for_sync(&pool, &a, id).await.is_err());
    }
    assert_eq!(
        key_check::verify_or_record(&pool, &b).await.unwrap(),
        Verdict::Matches
    );
    assert!(matches!(
        key_check::verify_or_record(&pool, &a).await.unwrap(),
        Verdict::WrongKey { .. }
    ));
    // Rotating from a key that is not the current one changes nothing.
    let before = sealed(&pool).await;
    assert_eq!(
        key_check::rotate(&pool, &a, &Cipher::new(&C))
            .await
            .unwrap(),
        Rotation::WrongKey
    );
    assert_eq!(sealed(&pool).await, before);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rotation_with_an_undecryptable_row_changes_nothing(pool: PgPool) {
    let (a, b) = (Cipher::new(&A), Cipher::new(&B));
    channel(&pool, &A, "Main").await;
    // Written by a process with another key before the check existed.
    channel(&pool, &C, "Stray").await;
    key_check::verify_or_record(&pool, &a).await.unwrap();
    let before = (sealed(&pool).await, checks(&pool).await);
    assert_eq!(
        key_check::rotate(&pool, &a, &b).await.unwrap(),
        Rotation::Undecryptable {
            channels: vec!["Stray".into()]
        }
    );
    assert_eq!((sealed(&pool).await, checks(&pool).await), before);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_process_still_on_the_old_key_cannot_write_credentials_after_a_rotation(pool: PgPool) {
    let (a, b) = (Cipher::new(&A), Cipher::new(&B));
    let id = channel(&pool, &A, "Main").await;
    key_check::verify_or_record(&pool, &a).await.unwrap();
    key_check::rotate(&pool, &a, &b).await.unwrap();
    let settings = ChannelSettings::new("Main", "https://main.example.com");
    let err = store::channels::update(&pool, &a, id, &settings, Some(&token("new")))
        .await
        .expect_err("an old-key ciphertext was written");
    assert!(err.to_string().contains("restart"), "{err}");
    assert!(
        store::channels::create(
            &pool,
            &a,
            &ChannelSettings::new("Other", "https://other.example.com"),
            &token("o"),
            false
        )
        .await
        .is_err()
    );
    // Settings alone need no key; the new key writes credentials.
    store::channels::update(&pool, &a, id, &settings, None)
        .await
        .unwrap();
    store::channels::update(&pool, &b, id, &settings, Some(&token("new")))
        .await
        .unwrap();
    assert_eq!(
        store::channels::for_sync(&pool, &b, id)
            .await
            .unwrap()
            .credentials,
        token("new")
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lost_key_is_recovered_from_by_discarding_only_what_cannot_be_decrypted(pool: PgPool) {
    let b = Cipher::new(&B);
    let lost = channel(&pool, &A, "Lost").await;
    let kept = channel(&pool, &B, "Kept").await;
    key_check::verify_or_record(&pool, &Cipher::new(&A))
        .await
        .unwrap();
    assert!(matches!(
        key_check::verify_or_record(&pool, &b).await.unwrap(),
        Verdict::WrongKey { .. }
    ));

    assert_eq!(
        key_check::reset(&pool, &b).await.unwrap(),
        vec!["Lost".to_string()]
    );
    assert_eq!(
        key_check::verify_or_record(&pool, &b).await.unwrap(),
        Verdict::Matches
    );
    assert_eq!(
        store::channels::for_sync(&pool, &b, kept)
            .await
            .unwrap()
            .credentials,
        token("Kept")
    );
    let summary = store::channels::get(&pool, lost).await.unwrap();
    assert_eq!(summary.status, ChannelStatus::AccessRejected);
    assert!(
        summary
            .status_message
            .as_deref()
            .is_some_and(|m| m.contains("again")),
        "{:?}",
        summary.status_message
    );
    let err = store::channels::for_sync(&pool, &b, lost)
        .await
        .expect_err("no credentials");
    assert!(err.to_string().contains("again"), "{err}");
    // Saving without typing them is refused; typing them stores them.
    let settings = ChannelSettings::new("Lost", "https://lost.example.com");
    assert!(matches!(
        store::channels::update(&pool, &b, lost, &settings, None).await,
        Err(store::Error::Invalid { ref field, .. }) if field == "credentials"
    ));
    store::channels::update(&pool, &b, lost, &settings, Some(&token("typed")))
        .await
        .unwrap();
    assert_eq!(
        store::channels::for_sync(&pool, &b, lost)
            .await
            .unwrap()
            .credentials,
        token("typed")
    );
}
