//! The one error type that crosses server functions. It says what the user must be told apart;
//! details stay in the server's log.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No valid session: the user must sign in.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("Your role does not allow this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// A value the user typed (or a URL carried) is not acceptable.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// Slowed down after repeated failures, or a dependency is not reachable right now.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed on the server; the log has the details.
    #[error("Something went wrong on the server. The error was logged.")]
    Internal,
    /// The request never reached the function or its answer could not be read.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a plain (non-Leptos) handler answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 400,
            AppError::Conflict(_) => 409,
            AppError::Unavailable(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl AppError {
    /// The error as plain text: its kind on the first line, then its field (`Invalid`) and
    /// message. What a server function answers with when it fails: readable by any client, and
    /// a few lines to decode in the browser.
    pub fn to_text(&self) -> String {
        match self {
            AppError::Unauthenticated => "Unauthenticated".into(),
            AppError::Forbidden => "Forbidden".into(),
            AppError::NotFound => "NotFound".into(),
            AppError::Internal => "Internal".into(),
            AppError::Invalid { field, message } => format!("Invalid\n{field}\n{message}"),
            AppError::Conflict(message) => format!("Conflict\n{message}"),
            AppError::Unavailable(message) => format!("Unavailable\n{message}"),
            AppError::Transport(message) => format!("Transport\n{message}"),
        }
    }

    /// Reads [`AppError::to_text`]; anything else is a `Transport` error carrying the text.
    pub fn from_text(text: &str) -> AppError {
        let (kind, rest) = text.split_once('\n').unwrap_or((text, ""));
        match kind {
            "Unauthenticated" => AppError::Unauthenticated,
            "Forbidden" => AppError::Forbidden,
            "NotFound" => AppError::NotFound,
            "Internal" => AppError::Internal,
            "Invalid" => {
                let (field, message) = rest.split_once('\n').unwrap_or(("request", rest));
                AppError::invalid(field, message)
            }
            "Conflict" => AppError::Conflict(rest.into()),
            "Unavailable" => AppError::Unavailable(rest.into()),
            "Transport" => AppError::Transport(rest.into()),
            _ => AppError::Transport(text.into()),
        }
    }
}

#[cfg(feature = "server-fn")]
mod server_fn_support {
    use super::AppError;
    use bytes::Bytes;
    use server_fn::error::{FromServerFnError, ServerFnErrorErr};
    use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};
    use std::convert::Infallible;

    /// A failed server function answers with [`AppError::to_text`].
    pub struct AppErrorText;

    impl ContentType for AppErrorText {
        const CONTENT_TYPE: &'static str = "text/plain; charset=utf-8";
    }

    impl FormatType for AppErrorText {
        const FORMAT_TYPE: Format = Format::Text;
    }

    impl Encodes<AppError> for AppErrorText {
        type Error = Infallible;

        fn encode(error: &AppError) -> Result<Bytes, Infallible> {
            Ok(Bytes::from(error.to_text()))
        }
    }

    impl Decodes<AppError> for AppErrorText {
        type Error = Infallible;

        fn decode(bytes: Bytes) -> Result<AppError, Infallible> {
            Ok(AppError::from_text(&String::from_utf8_lossy(&bytes)))
        }
    }

    impl FromServerFnError for AppError {
        type Encoder = AppErrorText;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                    AppError::Invalid {
                        field: "request".into(),
                        message,
                    }
                }
                other => AppError::Transport(other.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_survives_its_text_form() {
        let all = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Internal,
            AppError::invalid("email", "Enter a valid email.\nAnd a second line."),
            AppError::Conflict("That email is taken.".into()),
            AppError::Unavailable("Try again in 2 s.".into()),
            AppError::Transport(String::new()),
        ];
        for error in all {
            assert_eq!(AppError::from_text(&error.to_text()), error);
        }
        assert_eq!(
            AppError::from_text("<html>502 Bad Gateway</html>"),
            AppError::Transport("<html>502 Bad Gateway</html>".into())
        );
    }
}
