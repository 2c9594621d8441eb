//! TLS verification on and off, against a store with a self-signed certificate.

use std::sync::Arc;

use magento::{Auth, Client, ClientConfig, ConnectionKind, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

// Test-only key pair (CN=localhost, IP 127.0.0.1), generated with openssl for these tests.
const CERT: &[u8] = include_bytes!("../fixtures/self_signed_test.crt");
const KEY: &[u8] = include_bytes!("../fixtures/self_signed_test.key");

/// An HTTPS endpoint answering every request with `[]`.
async fn self_signed_store() -> String {
    let cert = CertificateDer::from_pem_slice(CERT).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

fn client(url: &str, verify_tls: bool) -> Client {
    let config = ClientConfig::new(url, Auth::bearer("t"))
        .with_verify_tls(verify_tls)
        .with_retry(RetryPolicy::none());
    Client::new(config).unwrap()
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_while_verification_is_on() {
    let url = self_signed_store().await;
    let err = client(&url, true).websites().await.unwrap_err();
    assert!(
        matches!(&err, Error::Connection { kind: ConnectionKind::Tls, detail, .. } if detail.contains("certificate")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_self_signed_certificate_is_accepted_with_verification_off() {
    let url = self_signed_store().await;
    assert!(client(&url, false).websites().await.unwrap().is_empty());
}
