//! Outgoing email for Cartwise: plain-text messages sent through the installation's SMTP server
//! (settings from the environment, see [`smtp_from_env`]). With the `sink` feature, [`sink`] is
//! a loopback SMTP server that records what it receives, for tests.

mod config;
#[cfg(feature = "sink")]
pub mod sink;

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as LettreTls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub use config::{SmtpConfig, Tls, smtp_from_env, smtp_from_lookup};

/// Each network step (connect, TLS handshake, every reply) may take this long: long enough for a
/// slow relay, short enough that a rep clicking "Send" gets an answer.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);
/// The whole exchange, as a backstop for a server that answers each step just in time.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a message was not sent. The texts are shown to sales reps as they are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The SMTP settings are unusable (the message names the variable or setting).
    #[error("Email is not set up correctly: {0}")]
    Config(String),
    /// The recipient or sender address is not valid (the message says which).
    #[error("{0}")]
    Address(String),
    /// The server answered with an error; `message` is its reply text. 4xx codes are
    /// temporary (see [`MailError::is_temporary`]).
    #[error("The mail server refused the message: {}", refusal(*.code, .message))]
    Refused { code: Option<u16>, message: String },
    /// No usable connection: connect, TLS or timeout failure.
    #[error("The mail server could not be reached: {0}")]
    Unreachable(String),
}

fn refusal(code: Option<u16>, message: &str) -> String {
    match code {
        Some(code) => format!("{code} {message}"),
        None => message.to_owned(),
    }
}

impl MailError {
    /// Worth retrying later unchanged: the server said "not now" (4xx) or could not be reached.
    pub fn is_temporary(&self) -> bool {
        match self {
            MailError::Refused { code, .. } => code.is_some_and(|code| (400..500).contains(&code)),
            MailError::Unreachable(_) => true,
            MailError::Config(_) | MailError::Address(_) => false,
        }
    }

    fn from_smtp(error: lettre::transport::smtp::Error) -> MailError {
        if let Some(code) = error.status() {
            // The source of a 4xx/5xx error is the server's reply text (lettre joins the lines).
            let message = std::error::Error::source(&error)
                .map(ToString::to_string)
                .unwrap_or_default();
            return MailError::Refused {
                code: Some(code.into()),
                message,
            };
        }
        if error.is_timeout() {
            return MailError::Unreachable(format!(
                "no answer within {} s.",
                STEP_TIMEOUT.as_secs()
            ));
        }
        // Connection, TLS, and protocol failures (a garbled reply, STARTTLS or the AUTH
        // mechanism not offered): none of them got as far as the server judging the message.
        // The first cause that is not lettre's own wrapper says it best ("Connection refused
        // (os error 111)" rather than "Connection error: Connection error: …").
        let mut cause: &dyn std::error::Error = &error;
        while cause.is::<lettre::transport::smtp::Error>() {
            match cause.source() {
                Some(source) => cause = source,
                None => break,
            }
        }
        MailError::Unreachable(cause.to_string())
    }
}

/// What the server said when it accepted a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The Message-ID header we gave the message, `<…@domain>`: how replies and bounces refer
    /// to it.
    pub message_id: String,
    /// The server's final reply, e.g. "250 2.0.0 OK queued as 4F1A2".
    pub response: String,
}

/// Sends email. Cheap to clone (shares the transport); connects per message.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
    port: u16,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Checks the settings and prepares the transport; does not connect.
    pub fn new(config: SmtpConfig) -> Result<Mailer, MailError> {
        let from: Mailbox = config.from.trim().parse().map_err(|_| {
            MailError::Address(format!(
                "The sender address “{}” is not a valid email address.",
                config.from
            ))
        })?;
        let tls_parameters = || {
            TlsParameters::new(config.host.clone()).map_err(|error| {
                MailError::Config(format!(
                    "TLS cannot be set up for “{}”: {error}",
                    config.host
                ))
            })
        };
        let tls = match config.tls {
            Tls::None => LettreTls::None,
            // Required, not Opportunistic: a server that stops offering STARTTLS (or an
            // attacker stripping it) must not get the password in plain text.
            Tls::StartTls => LettreTls::Required(tls_parameters()?),
            Tls::Wrapper => LettreTls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(STEP_TIMEOUT));
        match (config.username, config.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(username, password));
            }
            (None, None) => {}
            _ => {
                return Err(MailError::Config(
                    "A user name and a password go together: set both or neither.".into(),
                ));
            }
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            host: config.host,
            port: config.port,
        })
    }

    /// The sender every message goes out as.
    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// Sends one plain-text (UTF-8) message to `to` (`addr` or `Name <addr>`).
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body_text: &str,
    ) -> Result<Delivery, MailError> {
        let recipient: Mailbox = to.trim().parse().map_err(|_| {
            MailError::Address(format!(
                "The recipient address “{}” is not a valid email address.",
                to.trim()
            ))
        })?;
        // Our own id, on the sender's domain rather than this machine's host name, so it is
        // known before sending and looks like the shop's own mail to spam filters.
        let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), self.from.email.domain());
        // One line: a line break in a subject would start a new header.
        let subject = subject
            .split(['\r', '\n'])
            .filter(|piece| !piece.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(subject)
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(body_text.to_owned())
            .map_err(|error| MailError::Address(format!("The message cannot be built: {error}")))?;
        let response = tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message))
            .await
            .map_err(|_| {
                MailError::Unreachable(format!(
                    "no complete answer within {} s.",
                    SEND_TIMEOUT.as_secs()
                ))
            })?
            .map_err(MailError::from_smtp)?;
        Ok(Delivery {
            message_id,
            response: response_text(&response),
        })
    }
}

fn response_text(response: &Response) -> String {
    let mut text = u16::from(response.code()).to_string();
    for line in response.message() {
        text.push(' ');
        text.push_str(line);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_well() {
        let error = MailError::Refused {
            code: Some(550),
            message: "5.1.1 Mailbox unavailable".into(),
        };
        assert_eq!(
            error.to_string(),
            "The mail server refused the message: 550 5.1.1 Mailbox unavailable"
        );
        assert!(!error.is_temporary());
        let error = MailError::Refused {
            code: Some(451),
            message: "4.7.1 Try again later".into(),
        };
        assert!(error.is_temporary());
    }

    #[test]
    fn a_bad_sender_is_an_address_error() {
        let config = SmtpConfig {
            host: "localhost".into(),
            port: 25,
            username: None,
            password: None,
            from: "not an address".into(),
            tls: Tls::None,
        };
        match Mailer::new(config) {
            Err(MailError::Address(message)) => assert!(message.contains("sender"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
