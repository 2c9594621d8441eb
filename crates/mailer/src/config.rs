//! SMTP settings, read from the environment: a mail server is per installation (like the
//! database), not something a user edits in the app.

use std::fmt;

use lettre::message::Mailbox;

use crate::MailError;

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// Plain text throughout. Only for a relay on the same host or a trusted network: the
    /// password (if any) and every message cross the network readable.
    None,
    /// Plain connection upgraded with STARTTLS before anything else is sent; refused if the
    /// server does not offer it (never falls back to plain text). Port 587.
    StartTls,
    /// TLS from the first byte ("implicit TLS", SMTPS). Port 465.
    Wrapper,
}

impl Tls {
    /// The port the mode conventionally uses, when CARTWISE_SMTP_PORT is not set.
    pub fn default_port(self) -> u16 {
        match self {
            Tls::None => 25,
            Tls::StartTls => 587,
            Tls::Wrapper => 465,
        }
    }
}

/// Where and as whom to send. `Debug` never shows the password (configs end up in logs).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender: `Name <addr>` or a bare address.
    pub from: String,
    pub tls: Tls,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish()
    }
}

pub const HOST: &str = "CARTWISE_SMTP_HOST";
pub const PORT: &str = "CARTWISE_SMTP_PORT";
pub const USERNAME: &str = "CARTWISE_SMTP_USERNAME";
pub const PASSWORD: &str = "CARTWISE_SMTP_PASSWORD";
pub const FROM: &str = "CARTWISE_SMTP_FROM";
pub const TLS: &str = "CARTWISE_SMTP_TLS";

/// The SMTP settings from the process environment; `Ok(None)` when CARTWISE_SMTP_HOST is unset
/// or empty, meaning this installation does not send email.
pub fn smtp_from_env() -> Result<Option<SmtpConfig>, MailError> {
    smtp_from_lookup(|name| {
        // A value that is not UTF-8 is kept (lossily) so it fails validation with the
        // variable's name instead of silently counting as unset.
        std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
    })
}

/// [`smtp_from_env`] over any lookup, so the rules are testable without the process
/// environment (which tests running in parallel share).
pub fn smtp_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<SmtpConfig>, MailError> {
    // Empty counts as unset: `FOO=` in an env file or compose file is how people blank a value.
    let get = |name: &str| {
        lookup(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let Some(host) = get(HOST) else {
        return Ok(None);
    };
    if host.contains('/') || host.chars().any(char::is_whitespace) {
        return Err(config(format!(
            "{HOST} must be a host name such as smtp.example.com, not “{host}”."
        )));
    }
    let tls = match get(TLS).map(|value| value.to_ascii_lowercase()).as_deref() {
        None | Some("starttls") => Tls::StartTls,
        Some("tls") => Tls::Wrapper,
        Some("none") => Tls::None,
        Some(other) => {
            return Err(config(format!(
                "{TLS} must be “starttls”, “tls” or “none”, not “{other}”."
            )));
        }
    };
    let port = match get(PORT) {
        None => tls.default_port(),
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => {
                return Err(config(format!(
                    "{PORT} must be a port number from 1 to 65535, not “{text}”."
                )));
            }
        },
    };
    let username = get(USERNAME);
    // Not trimmed: spaces may be part of a password. Empty still means unset.
    let password = lookup(PASSWORD).filter(|value| !value.is_empty());
    match (&username, &password) {
        (Some(_), None) => {
            return Err(config(format!(
                "{PASSWORD} is required when {USERNAME} is set."
            )));
        }
        (None, Some(_)) => {
            return Err(config(format!(
                "{USERNAME} is required when {PASSWORD} is set."
            )));
        }
        _ => {}
    }
    let Some(from) = get(FROM) else {
        return Err(config(format!(
            "{FROM} is required when {HOST} is set (for example “Shop <sales@example.com>”)."
        )));
    };
    if from.parse::<Mailbox>().is_err() {
        return Err(config(format!(
            "{FROM} must be an address such as “Shop <sales@example.com>”, not “{from}”."
        )));
    }
    Ok(Some(SmtpConfig {
        host,
        port,
        username,
        password,
        from,
        tls,
    }))
}

fn config(message: String) -> MailError {
    MailError::Config(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Option<SmtpConfig>, MailError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        smtp_from_lookup(|name| vars.get(name).cloned())
    }

    const FROM_OK: (&str, &str) = (FROM, "Shop <sales@example.com>");

    /// Variables set on top of a valid base.
    type Vars = &'static [(&'static str, &'static str)];

    #[test]
    fn unset_or_empty_host_turns_email_off() {
        assert_eq!(parse(&[]).unwrap(), None);
        assert_eq!(parse(&[(HOST, "  "), FROM_OK]).unwrap(), None);
    }

    #[test]
    fn tls_mode_picks_the_default_port() {
        let table: &[(Vars, Tls, u16)] = &[
            (&[], Tls::StartTls, 587),
            (&[(TLS, "starttls")], Tls::StartTls, 587),
            (&[(TLS, "TLS")], Tls::Wrapper, 465),
            (&[(TLS, "none")], Tls::None, 25),
            (&[(TLS, "none"), (PORT, "2525")], Tls::None, 2525),
            (&[(TLS, ""), (PORT, " 10025 ")], Tls::StartTls, 10025),
        ];
        for (extra, tls, port) in table {
            let mut vars = vec![(HOST, "smtp.example.com"), FROM_OK];
            vars.extend_from_slice(extra);
            let got = parse(&vars).unwrap().unwrap();
            assert_eq!((got.tls, got.port), (*tls, *port), "{extra:?}");
            assert_eq!(got.host, "smtp.example.com");
            assert_eq!(got.from, "Shop <sales@example.com>");
        }
    }

    #[test]
    fn credentials_come_in_pairs() {
        let got = parse(&[
            (HOST, "smtp.example.com"),
            FROM_OK,
            (USERNAME, "apikey"),
            (PASSWORD, " s3cret "),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(got.username.as_deref(), Some("apikey"));
        assert_eq!(got.password.as_deref(), Some(" s3cret "));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let table: &[(Vars, &str)] = &[
            (&[(TLS, "ssl")], TLS),
            (&[(PORT, "0")], PORT),
            (&[(PORT, "70000")], PORT),
            (&[(PORT, "smtp")], PORT),
            (&[(USERNAME, "u")], PASSWORD),
            (&[(PASSWORD, "p")], USERNAME),
            (&[(FROM, "")], FROM),
            (&[(FROM, "not an address")], FROM),
            (&[(HOST, "smtp://smtp.example.com")], HOST),
        ];
        for (vars, names) in table {
            let mut all: HashMap<&str, &str> =
                [(HOST, "smtp.example.com"), FROM_OK].into_iter().collect();
            all.extend(vars.iter().copied());
            let all: Vec<(&str, &str)> = all.into_iter().collect();
            match parse(&all) {
                Err(MailError::Config(message)) => {
                    assert!(message.contains(names), "{vars:?}: {message}")
                }
                other => panic!("{vars:?}: expected a config error, got {other:?}"),
            }
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let config = SmtpConfig {
            host: "smtp.example.com".into(),
            port: 587,
            username: Some("apikey".into()),
            password: Some("hunter2-very-secret".into()),
            from: "sales@example.com".into(),
            tls: Tls::StartTls,
        };
        for text in [format!("{config:?}"), format!("{config:#?}")] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(
                text.contains("<redacted>") && text.contains("apikey"),
                "{text}"
            );
        }
    }
}
