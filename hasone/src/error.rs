//! Errors of the has-one core, classified for the API layer, and what
//! kind of failure a database error is.

use std::fmt::Debug;

use sea_orm::{DbErr, EntityTrait, RuntimeErr, SqlErr};

/// What can go wrong in a has-one operation, classified for the API layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source or target id names no row.
    #[error("{entity} {id} not found")]
    NotFound {
        /// The table of the entity looked for.
        entity: &'static str,
        /// The id as asked for (its `Debug` form).
        id: String,
    },
    /// A unique or foreign key constraint refused the change, or the
    /// source cannot have a target (its key is null).
    #[error("{0}")]
    Conflict(&'static str),
    /// The request asks for what the declaration does not allow (unlinking
    /// a target whose foreign key is `NOT NULL`).
    #[error("{0}")]
    BadInput(String),
    /// The database could not be reached, or no pooled connection came
    /// free in time: worth retrying later.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// A statement ran over the statement timeout.
    #[error("a statement ran over the statement timeout")]
    Timeout(#[source] DbErr),
    /// Anything else the database reported.
    #[error("database error")]
    Db(#[source] DbErr),
}

impl Error {
    /// `NotFound` for the entity `E` and `id`.
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
            _ if refused_value(&err) => Error::BadInput(
                "the database refused a value: its type does not take it, or a CHECK constraint (a domain's too) or NOT NULL"
                    .to_owned(),
            ),
            _ if is_unavailable(&err) => Error::Unavailable(err),
            _ if is_statement_timeout(&err) => Error::Timeout(err),
            _ => Error::Db(err),
        }
    }
}

/// The database error behind `err`, if it is one.
fn database_error(err: &DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    match sqlx_error(err)? {
        sea_orm::sqlx::Error::Database(db) => Some(db.as_ref()),
        _ => None,
    }
}

fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

/// Whether `err` is a value the database refused: a `CHECK` constraint
/// (a PostgreSQL domain's too), `NOT NULL`, or a value its type does not
/// take. The request's input, not the server, is at fault.
fn refused_value(err: &DbErr) -> bool {
    use sea_orm::sqlx::error::ErrorKind;
    let Some(db) = database_error(err) else {
        return false;
    };
    if matches!(
        db.kind(),
        ErrorKind::CheckViolation | ErrorKind::NotNullViolation
    ) {
        return true;
    }
    if let Some(number) = mysql_number(db) {
        // CHECK failed (MariaDB), data truncated, incorrect value, incorrect
        // date/time value, data too long: strict mode's refusals of a value.
        return matches!(number, 4025 | 1265 | 1366 | 1292 | 1406);
    }
    // PostgreSQL's data exceptions (class 22): text its type cannot parse
    // (`invalid input syntax for type inet`), a value out of range.
    db.code().is_some_and(|code| code.starts_with("22"))
}

/// The MySQL/MariaDB error number of `db`, if it is one.
fn mysql_number(db: &dyn sea_orm::sqlx::error::DatabaseError) -> Option<u16> {
    db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>()
        .map(|e| e.number())
}

/// Whether `err` says the database is out of reach rather than that the
/// statement is wrong: no free connection in time, a broken or refused
/// connection, a server shutting down or out of connections.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    if matches!(err, DbErr::ConnectionAcquire(_)) {
        return true;
    }
    match sqlx_error(err) {
        Some(Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed) => true,
        Some(Sqlx::WorkerCrashed | Sqlx::Protocol(_)) => true,
        Some(Sqlx::Database(db)) => {
            if let Some(number) = mysql_number(db.as_ref()) {
                // too many connections, shutdown in progress, connection
                // killed, disconnected by the server
                return matches!(number, 1040 | 1053 | 1927 | 4031);
            }
            // PostgreSQL: connection exceptions (08…), too many connections,
            // shutting down or starting up.
            db.code().is_some_and(|code| {
                code.starts_with("08") || matches!(&*code, "53300" | "57P01" | "57P02" | "57P03")
            })
        }
        _ => false,
    }
}

/// Whether `err` is a statement cancelled by the statement timeout
/// (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`, MySQL
/// `max_execution_time`).
pub fn is_statement_timeout(err: &DbErr) -> bool {
    let Some(db) = database_error(err) else {
        return false;
    };
    if let Some(number) = mysql_number(db) {
        return matches!(number, 1969 | 3024);
    }
    db.code().as_deref() == Some("57014")
}

/// Whether `err` is a deadlock, a serialization failure or a busy database:
/// the transaction may well succeed when run again.
pub fn is_transient(err: &DbErr) -> bool {
    let Some(db) = database_error(err) else {
        return false;
    };
    if let Some(number) = mysql_number(db) {
        // 1213 deadlock, 1205 lock wait timeout
        return matches!(number, 1213 | 1205);
    }
    // PostgreSQL: serialization failure, deadlock. SQLite: BUSY and LOCKED
    // with their extended codes.
    matches!(
        db.code().as_deref(),
        Some("40001" | "40P01" | "5" | "6" | "261" | "262" | "517" | "773")
    )
}
