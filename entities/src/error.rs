//! Errors of the has-one core and the entity operations.

use std::fmt::Debug;

use sea_orm::{DbErr, EntityTrait, SqlErr};

/// What can go wrong in a has-one operation, classified for the API layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source or target id names no row.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// A unique or foreign key constraint refused the change.
    #[error("{0}")]
    Conflict(&'static str),
    /// Anything else the database reported.
    #[error("database error")]
    Db(#[source] DbErr),
}

impl Error {
    pub fn not_found<E: EntityTrait>(id: &dyn Debug) -> Self {
        Error::NotFound {
            entity: E::default().table_name(),
            id: format!("{id:?}"),
        }
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("the change would violate a unique constraint")
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Error::Conflict("the change would violate a foreign key constraint")
            }
            _ => Error::Db(err),
        }
    }
}
