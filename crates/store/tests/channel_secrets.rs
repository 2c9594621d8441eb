//! A channel's stored credentials go only to the store they were entered for, and only as that
//! channel's: a new host needs them typed again, and a ciphertext copied onto another channel's
//! row does not decrypt.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use domain::{ChannelSettings, Credentials};
use store::PgPool;
use store::secrets::Cipher;

const KEY: [u8; 32] = [3u8; 32];

fn admin_password() -> Credentials {
    Credentials::AdminPassword {
        username: "admin".into(),
        password: "the admin password".into(),
    }
}

async fn channel(pool: &PgPool, name: &str, url: &str, credentials: &Credentials) -> i64 {
    let settings = ChannelSettings::new(name, url);
    store::channels::create(pool, &Cipher::new(&KEY), &settings, credentials, false)
        .await
        .unwrap()
}

async fn stored_url(pool: &PgPool, id: i64) -> String {
    store::channels::get(pool, id)
        .await
        .unwrap()
        .settings
        .store_url
}

async fn sealed(pool: &PgPool, id: i64) -> Vec<u8> {
    sqlx::query_scalar("select credentials from channels where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_new_host_needs_the_secrets_typed_again(pool: PgPool) {
    let cipher = Cipher::new(&KEY);
    let id = channel(&pool, "Main", "https://shop.example.com", &admin_password()).await;
    let moved = |url: &str| {
        let mut s = ChannelSettings::new("Main", url);
        s.sync_interval_secs = 600;
        s
    };

    // Another host, port or scheme: blank secrets are refused, nothing is saved.
    for url in [
        "https://attacker.example.net",
        "https://shop.example.com:8443",
        "http://shop.example.com",
        "https://shop.example.com.attacker.example.net",
        "https://attacker.example.net/https://shop.example.com",
    ] {
        let err = store::channels::update(&pool, &cipher, id, &moved(url), None)
            .await
            .expect_err(url);
        match err {
            store::Error::Invalid { field, message } => {
                assert_eq!(field, "credentials", "{url}");
                assert!(message.contains("again"), "{url}: {message}");
            }
            other => panic!("{url}: {other}"),
        }
        assert_eq!(stored_url(&pool, id).await, "https://shop.example.com");
        assert_eq!(
            store::channels::get(&pool, id)
                .await
                .unwrap()
                .settings
                .sync_interval_secs,
            domain::channel::DEFAULT_INTERVAL_SECS,
            "{url}: nothing of the refused update was saved"
        );
    }

    // The same origin typed another way, or another path on it: the stored secrets stay.
    for url in [
        "https://SHOP.example.com:443/",
        "https://shop.example.com/rest/default",
        "https://shop.example.com/index.php/rest/V1",
    ] {
        store::channels::update(&pool, &cipher, id, &moved(url), None)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let stored = store::channels::for_sync(&pool, &cipher, id).await.unwrap();
        assert_eq!(stored.credentials, admin_password(), "{url}");
    }

    // A new host with the secrets typed again is a normal edit.
    let typed = Credentials::AdminPassword {
        username: "admin".into(),
        password: "the new store's password".into(),
    };
    store::channels::update(
        &pool,
        &cipher,
        id,
        &moved("https://new-shop.example.org"),
        Some(&typed),
    )
    .await
    .unwrap();
    let stored = store::channels::for_sync(&pool, &cipher, id).await.unwrap();
    assert_eq!(
        stored.summary.settings.store_url,
        "https://new-shop.example.org"
    );
    assert_eq!(stored.credentials, typed);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_ciphertext_copied_onto_another_channel_does_not_decrypt(pool: PgPool) {
    let cipher = Cipher::new(&KEY);
    let a = channel(&pool, "A", "https://a.example.com", &admin_password()).await;
    let b = channel(
        &pool,
        "B",
        "https://b.example.com",
        &Credentials::Bearer { token: "b".into() },
    )
    .await;
    sqlx::query("update channels set credentials = $1 where id = $2")
        .bind(sealed(&pool, a).await)
        .bind(b)
        .execute(&pool)
        .await
        .unwrap();
    let err = store::channels::for_sync(&pool, &cipher, b)
        .await
        .expect_err("A's credentials decrypted as B's");
    assert!(matches!(err, store::Error::Credential(_)), "{err}");
    assert_eq!(
        store::channels::for_sync(&pool, &cipher, a)
            .await
            .unwrap()
            .credentials,
        admin_password()
    );
}

/// The format before associated data: `nonce || ciphertext+tag`, no version byte.
fn legacy_seal(plaintext: &[u8]) -> Vec<u8> {
    let nonce = [0x01, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    let ciphertext = Aes256Gcm::new((&KEY).into())
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .unwrap();
    [nonce.as_slice(), &ciphertext].concat()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_older_row_without_associated_data_still_decrypts_and_is_sealed_again(pool: PgPool) {
    let cipher = Cipher::new(&KEY);
    let a = channel(&pool, "A", "https://a.example.com", &admin_password()).await;
    let b = channel(&pool, "B", "https://b.example.com", &admin_password()).await;
    // Its first byte is the version byte of the current format: read as a legacy row anyway.
    let legacy = legacy_seal(&serde_json::to_vec(&admin_password()).unwrap());
    for id in [a, b] {
        sqlx::query("update channels set credentials = $1 where id = $2")
            .bind(&legacy)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        let stored = store::channels::for_sync(&pool, &cipher, id).await.unwrap();
        assert_eq!(stored.credentials, admin_password());
    }

    // The next write of A's credentials seals them for A.
    store::channels::update(
        &pool,
        &cipher,
        a,
        &ChannelSettings::new("A", "https://a.example.com"),
        Some(&admin_password()),
    )
    .await
    .unwrap();
    // Checking the key (every start) seals B's for B.
    store::key_check::verify_or_record(&pool, &cipher)
        .await
        .unwrap();
    let (sealed_a, sealed_b) = (sealed(&pool, a).await, sealed(&pool, b).await);
    assert_ne!(sealed_a, legacy);
    assert_ne!(sealed_b, legacy);
    for (id, other) in [(a, &sealed_b), (b, &sealed_a)] {
        sqlx::query("update channels set credentials = $1 where id = $2")
            .bind(other)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            store::channels::for_sync(&pool, &cipher, id).await.is_err(),
            "the other channel's resealed credentials decrypted as {id}'s"
        );
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn turning_the_certificate_check_off_needs_the_secrets_typed_again(pool: PgPool) {
    let cipher = Cipher::new(&KEY);
    let id = channel(&pool, "Main", "https://shop.example.com", &admin_password()).await;
    let mut unchecked = ChannelSettings::new("Main", "https://shop.example.com");
    unchecked.verify_tls = false;
    match store::channels::update(&pool, &cipher, id, &unchecked, None).await {
        Err(store::Error::Invalid { field, message }) => {
            assert_eq!(field, "credentials");
            assert_eq!(message, store::channels::TLS_CHECK_OFF);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        store::channels::get(&pool, id)
            .await
            .unwrap()
            .settings
            .verify_tls,
        "nothing of the refused update was saved"
    );
    // Typed again, the check may be turned off; turning it back on needs nothing.
    store::channels::update(&pool, &cipher, id, &unchecked, Some(&admin_password()))
        .await
        .unwrap();
    assert!(
        !store::channels::get(&pool, id)
            .await
            .unwrap()
            .settings
            .verify_tls
    );
    let checked = ChannelSettings::new("Main", "https://shop.example.com");
    store::channels::update(&pool, &cipher, id, &checked, None)
        .await
        .unwrap();
    // Over plain http there is no certificate: the switch alone keeps the stored secrets.
    let plain = channel(&pool, "Plain", "http://10.0.0.5", &admin_password()).await;
    let mut plain_unchecked = ChannelSettings::new("Plain", "http://10.0.0.5");
    plain_unchecked.verify_tls = false;
    store::channels::update(&pool, &cipher, plain, &plain_unchecked, None)
        .await
        .unwrap();
}
