//! Sends through lettre to the loopback sink and reads the messages back.
#![cfg(feature = "sink")]

use std::time::Duration;

use mailer::sink::Sink;
use mailer::{MailError, Mailer, SmtpConfig, Tls};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_message_arrives_intact() {
    let sink = Sink::start().await;
    let mailer = Mailer::new(sink.config("Grüße Shop <sales@shop.example>")).unwrap();
    let body = "Hallo Anna,\n\nherzliche Grüße aus dem Laden!\n.\n..leading dots survive\n€ 12,30";
    let delivery = mailer
        .send(
            "Anna Müller <anna@customer.example>",
            "Grüße: your cart\r\nBcc: evil@example.com",
            body,
        )
        .await
        .unwrap();
    assert!(
        delivery.response.starts_with("250 ") && delivery.response.contains("queued as sink-1"),
        "{delivery:?}"
    );
    assert!(
        delivery.message_id.starts_with('<') && delivery.message_id.ends_with("@shop.example>"),
        "{delivery:?}"
    );

    let messages = sink.wait_for(1, WAIT).await;
    let message = &messages[0];
    assert_eq!(message.from, "sales@shop.example");
    assert_eq!(message.to, vec!["anna@customer.example".to_owned()]);
    assert_eq!(message.authenticated_as, None);
    // The line break became a space: no header was injected.
    assert_eq!(
        message.header("Subject").as_deref(),
        Some("Grüße: your cart Bcc: evil@example.com")
    );
    assert_eq!(message.header("Bcc"), None);
    assert_eq!(
        message.header("Message-ID").as_deref(),
        Some(delivery.message_id.as_str())
    );
    let from = message.header("From").unwrap();
    assert!(
        from.contains("Grüße Shop") && from.contains("<sales@shop.example>"),
        "{from}"
    );
    let to = message.header("To").unwrap();
    assert!(
        to.contains("Anna Müller") && to.contains("<anna@customer.example>"),
        "{to}"
    );
    assert!(
        message
            .header("Content-Type")
            .unwrap()
            .to_ascii_lowercase()
            .starts_with("text/plain; charset=utf-8"),
        "{message:?}"
    );
    // Whatever transfer encoding lettre picked, the decoded text is what was sent.
    assert_eq!(message.body_text().trim_end(), body);
    // And the raw form is not simply 8-bit: it is encoded (the check above is not vacuous).
    assert!(!message.data.contains("Grüße aus"), "{}", message.data);
}

#[tokio::test]
async fn dots_at_line_starts_survive() {
    // ASCII text goes as 7bit, so this exercises the dot-stuffing on the wire.
    let sink = Sink::start().await;
    let mailer = Mailer::new(sink.config("sales@shop.example")).unwrap();
    let body = "Line one\n.\n..two dots\n. dot space\nend";
    mailer.send("a@b.example", "Dots", body).await.unwrap();
    let message = &sink.wait_for(1, WAIT).await[0];
    assert!(
        message.data.contains("\r\n..two dots\r\n"),
        "{}",
        message.data
    );
    assert_eq!(message.body_text().trim_end(), body);
}

#[tokio::test]
async fn credentials_are_sent() {
    let sink = Sink::start().await;
    let config = SmtpConfig {
        username: Some("apikey".into()),
        password: Some("s3cret".into()),
        ..sink.config("sales@shop.example")
    };
    Mailer::new(config)
        .unwrap()
        .send("a@b.example", "Hi", "Hello")
        .await
        .unwrap();
    let messages = sink.wait_for(1, WAIT).await;
    assert_eq!(messages[0].authenticated_as.as_deref(), Some("apikey"));
    assert_eq!(messages[0].body_text().trim_end(), "Hello");
}

#[tokio::test]
async fn a_refused_recipient_keeps_the_server_text() {
    let sink = Sink::start().await;
    sink.refuse("Gone@Customer.example");
    let mailer = Mailer::new(sink.config("sales@shop.example")).unwrap();
    let error = mailer
        .send("gone@customer.example", "Hi", "Hello")
        .await
        .unwrap_err();
    assert_eq!(
        error,
        MailError::Refused {
            code: Some(550),
            message: "5.1.1 Mailbox unavailable".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "The mail server refused the message: 550 5.1.1 Mailbox unavailable"
    );
    assert!(!error.is_temporary());
    assert!(sink.messages().is_empty());

    // The next message on the same Mailer still goes through.
    mailer
        .send("other@customer.example", "Hi", "Hello")
        .await
        .unwrap();
    assert_eq!(
        sink.wait_for(1, WAIT).await[0].to,
        ["other@customer.example"]
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    // Bind and drop: the port is free and (almost certainly) nobody listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        from: "sales@shop.example".into(),
        tls: Tls::None,
    };
    let error = Mailer::new(config)
        .unwrap()
        .send("a@b.example", "Hi", "Hello")
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Unreachable(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("The mail server could not be reached: "),
        "{error}"
    );
    assert!(error.is_temporary());
}

#[tokio::test]
async fn starttls_is_required_not_optional() {
    // The sink does not offer STARTTLS: the client must stop instead of sending in clear.
    let sink = Sink::start().await;
    let config = SmtpConfig {
        tls: Tls::StartTls,
        ..sink.config("sales@shop.example")
    };
    let error = Mailer::new(config)
        .unwrap()
        .send("a@b.example", "Hi", "Hello")
        .await
        .unwrap_err();
    assert_eq!(
        error,
        MailError::Unreachable("STARTTLS is not supported on this server".into())
    );
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_bad_recipient_is_an_address_error() {
    let sink = Sink::start().await;
    let mailer = Mailer::new(sink.config("sales@shop.example")).unwrap();
    for to in ["", "anna", "anna@", "a@b.example\r\nBcc: x@y.example"] {
        match mailer.send(to, "Hi", "Hello").await {
            Err(MailError::Address(message)) => {
                assert!(message.contains("recipient"), "{to:?}: {message}")
            }
            other => panic!("{to:?}: {other:?}"),
        }
    }
    assert!(sink.messages().is_empty());
}
