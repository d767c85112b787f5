//! Errors of the has-one core and the entity operations.

use std::fmt::Debug;

use sea_orm::{DbErr, EntityTrait, RuntimeErr, SqlErr};

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

/// Whether `err` is a deadlock, a serialization failure or a busy database:
/// the transaction may well succeed when run again.
pub fn is_transient(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return false;
    };
    if let Some(mysql) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        // 1213 deadlock, 1205 lock wait timeout
        return matches!(mysql.number(), 1213 | 1205);
    }
    // PostgreSQL: serialization failure, deadlock. SQLite: BUSY and LOCKED
    // with their extended codes.
    matches!(
        db.code().as_deref(),
        Some("40001" | "40P01" | "5" | "6" | "261" | "262" | "517" | "773")
    )
}
