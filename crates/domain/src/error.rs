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

#[cfg(feature = "server-fn")]
mod server_fn_support {
    use super::AppError;
    use server_fn::codec::JsonEncoding;
    use server_fn::error::{FromServerFnError, ServerFnErrorErr};

    impl FromServerFnError for AppError {
        type Encoder = JsonEncoding;

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
