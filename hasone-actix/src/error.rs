//! [`StartupError`]: why a server could not start.

use hasone_graphql::BuildError;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
}

impl From<BuildError> for StartupError {
    fn from(err: BuildError) -> Self {
        match err {
            BuildError::Limits(why) => StartupError::Config(why),
            BuildError::Database(err) => StartupError::Database(err),
        }
    }
}
