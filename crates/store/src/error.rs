//! The store's one error type. Callers map it to `AppError` at the server-function boundary.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated; the string names what already exists.
    #[error("{0}")]
    Conflict(String),
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("credential error: {0}")]
    Credential(String),
    /// The server cannot take this on right now (busy, shutting down): try again later.
    #[error("{0}")]
    Unavailable(String),
}

impl Error {
    /// Whether the database refused the data itself (SQLSTATE classes 21, 22 and 23: a value
    /// out of range, a character Postgres cannot store, two rows of one batch with one key, a
    /// broken constraint), as opposed to the database being unreachable or the statement
    /// being wrong. Such a batch can be split to find and skip the one record at fault.
    pub fn is_refused_data(&self) -> bool {
        match self {
            Error::Database(sqlx::Error::Database(db)) => db
                .code()
                .is_some_and(|c| c.starts_with("21") || c.starts_with("22") || c.starts_with("23")),
            _ => false,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Turns a unique violation on `constraint` into `Error::Conflict(message)` (the launchbadge
/// `on_constraint` idea); every other error passes through.
pub(crate) trait OnConstraint<T> {
    fn on_constraint(self, constraint: &str, message: &str) -> Result<T>;
}

impl<T> OnConstraint<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: &str, message: &str) -> Result<T> {
        self.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.constraint() == Some(constraint) => {
                Error::Conflict(message.to_string())
            }
            _ => Error::Database(e),
        })
    }
}

impl From<Error> for domain::AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound => domain::AppError::NotFound,
            Error::Conflict(m) => domain::AppError::Conflict(m),
            Error::Invalid { field, message } => domain::AppError::Invalid { field, message },
            Error::Unavailable(m) => domain::AppError::Unavailable(m),
            other => {
                tracing::error!(error = %other, "store error");
                domain::AppError::Internal
            }
        }
    }
}
