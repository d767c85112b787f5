//! The one place where errors become GraphQL errors with `extensions.code`.
//!
//! Codes: `NOT_FOUND`, `BAD_USER_INPUT`, `CONFLICT`, `UNAVAILABLE` (the
//! database is down or has no free connection: retry later), `TIMEOUT`
//! (the request, or one of its statements, ran too long), `INTERNAL`,
//! and for requests refused before execution `GRAPHQL_PARSE_FAILED`,
//! `GRAPHQL_VALIDATION_FAILED`, `LIMIT_EXCEEDED` and `BAD_REQUEST`. Messages never carry SQL: database errors
//! are logged and answered as `INTERNAL`.

use std::sync::Arc;

use async_graphql::{ErrorExtensions, ServerError};
use hasone::error::{is_statement_timeout, is_unavailable};
use sea_orm::DbErr;

use crate::limits::LIMIT_EXCEEDED;

/// An error of the API, answered with its code. Deliberately not `Display`,
/// so that `?` converts it through [`From`] below and never loses its code.
#[derive(Debug)]
pub enum ApiError {
    /// An id names no row (`NOT_FOUND`).
    NotFound(String),
    /// An argument is out of range or not allowed (`BAD_USER_INPUT`).
    BadUserInput(String),
    /// A constraint refused the change (`CONFLICT`).
    Conflict(String),
    /// The database is out of reach or its pool is exhausted; logged.
    Unavailable,
    /// A statement ran over the statement timeout.
    Timeout,
    /// Logged with its cause; the client sees only "internal error".
    Internal,
    /// An error async-graphql already made, path and code included (a
    /// child object's non-null field failed, an argument did not parse).
    Resolved(ServerError),
}

impl ApiError {
    /// The `extensions.code` the client sees.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Unavailable => "UNAVAILABLE",
            ApiError::Timeout => "TIMEOUT",
            ApiError::Internal => "INTERNAL",
            ApiError::Resolved(_) => "INTERNAL",
        }
    }

    fn message(&self) -> &str {
        match self {
            ApiError::NotFound(m) | ApiError::BadUserInput(m) | ApiError::Conflict(m) => m,
            ApiError::Unavailable => "the database is unavailable; try again shortly",
            ApiError::Timeout => "a database statement ran over the statement timeout",
            ApiError::Internal => "internal error",
            ApiError::Resolved(err) => &err.message,
        }
    }

    /// `BAD_USER_INPUT` with `message`.
    pub fn bad_input(message: impl Into<String>) -> Self {
        ApiError::BadUserInput(message.into())
    }

    /// Logs `cause` and returns the masked error.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::Internal
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let code = err.code();
        async_graphql::Error::new(err.message()).extend_with(|_, e| e.set("code", code))
    }
}

impl ApiError {
    /// A row that is not there, in the one form every path gives:
    /// `<Type> <key> not found`. `id` is the key (`99`) or a global id of
    /// the type (`Captain:99`, whose key is shown alone).
    pub fn not_found(type_name: &str, id: &str) -> Self {
        let id = id.trim_matches('"');
        let key = id
            .strip_prefix(type_name)
            .and_then(|rest| rest.strip_prefix(':'))
            .unwrap_or(id);
        ApiError::NotFound(format!("{type_name} {key} not found"))
    }

    /// A core error, with `type_of` naming a table's GraphQL type in
    /// messages.
    pub fn from_core(err: hasone::Error, type_of: impl Fn(&str) -> Option<String>) -> Self {
        match err {
            hasone::Error::NotFound { entity, id } => {
                let ty = type_of(entity).unwrap_or_else(|| entity.to_owned());
                ApiError::not_found(&ty, &id)
            }
            hasone::Error::Conflict(m) => ApiError::Conflict(m.to_owned()),
            hasone::Error::BadInput(m) => ApiError::BadUserInput(m),
            hasone::Error::Unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::Unavailable
            }
            hasone::Error::Timeout(e) => {
                tracing::warn!(error = %e, "statement timeout");
                ApiError::Timeout
            }
            hasone::Error::Db(e) => ApiError::internal(&e),
        }
    }

    /// A failed statement, as its kind says.
    pub fn from_db(err: &DbErr) -> Self {
        if is_unavailable(err) {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::Unavailable
        } else if is_statement_timeout(err) {
            tracing::warn!(error = %err, "statement timeout");
            ApiError::Timeout
        } else {
            ApiError::from_core(hasone::Error::from(err.clone()), |_| None)
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        ApiError::from_db(&err)
    }
}

/// A failed batch load, shared by every key of its group.
impl From<Arc<DbErr>> for ApiError {
    fn from(err: Arc<DbErr>) -> Self {
        ApiError::from_db(&err)
    }
}

/// Codes of errors that refuse the whole request before execution: the
/// answer then has no `data`.
pub const REQUEST_ERROR_CODES: [&str; 4] = [
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    LIMIT_EXCEEDED,
    "BAD_REQUEST",
];

/// Gives `err` the code `code` unless it has one.
pub fn tag(err: &mut ServerError, code: &'static str) {
    let ext = err.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
    }
}

/// Messages of async-graphql's own limits (depth, complexity, nesting of
/// the document, directives).
const LIMIT_MESSAGES: [&str; 4] = [
    "too deep",
    "too complex",
    "recursion depth",
    "too many directives",
];

/// Gives a code to an error async-graphql raised itself, once the document
/// has parsed (see [`crate::Api::execute`]); errors that have one keep it.
///
/// This is not an async-graphql extension on purpose: with any extension
/// registered, async-graphql runs every field of every object through the
/// extension chain, which cost a fifth of the server's CPU on a page of
/// users (docs/performance.md).
pub fn assign_code(err: &mut ServerError) {
    if err
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let code = if !err.path.is_empty() {
        // Every error of hasone's resolvers has its code. Without one, it
        // is an argument of a typed (derived) field that did not parse, or
        // something nobody meant the client to read: masked and logged.
        if err.message.starts_with("Failed to parse") {
            "BAD_USER_INPUT"
        } else {
            tracing::error!(error = %err.message, path = ?err.path, "field error without a code");
            err.message = "internal error".to_owned();
            "INTERNAL"
        }
    } else if LIMIT_MESSAGES.iter().any(|m| err.message.contains(m)) {
        LIMIT_EXCEEDED
    } else if err.message.starts_with("Unknown operation named")
        || err.message.starts_with("Operation name required")
    {
        "BAD_REQUEST"
    } else {
        // The rest of what async-graphql refuses before execution:
        // validation rules, variables that do not match their types.
        "GRAPHQL_VALIDATION_FAILED"
    };
    tag(err, code);
}

#[cfg(test)]
mod tests {
    use async_graphql::{PathSegment, Pos};

    use super::*;

    fn error(message: &str, path: &[&str]) -> ServerError {
        let mut err = ServerError::new(message, Some(Pos::default()));
        err.path = path
            .iter()
            .map(|p| PathSegment::Field((*p).to_owned()))
            .collect();
        err
    }

    fn code(err: &ServerError) -> String {
        err.extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn uncoded_errors_get_the_code_of_what_they_are() {
        let mut parse = error(r#"Failed to parse "Int": not an integer"#, &["user"]);
        assign_code(&mut parse);
        assert_eq!(code(&parse), "\"BAD_USER_INPUT\"");

        // A field error nobody gave a code is not the client's fault, and
        // its text is not for the client.
        let mut other = error("connection reset by peer at 10.0.0.3", &["user", "name"]);
        assign_code(&mut other);
        assert_eq!(code(&other), "\"INTERNAL\"");
        assert_eq!(other.message, "internal error");

        let mut deep = error("Query is too deep.", &[]);
        assign_code(&mut deep);
        assert_eq!(code(&deep), "\"LIMIT_EXCEEDED\"");

        let mut operation = error("Unknown operation named \"x\"", &[]);
        assign_code(&mut operation);
        assert_eq!(code(&operation), "\"BAD_REQUEST\"");

        let mut invalid = error("Unknown field \"x\" on type \"Query\"", &[]);
        assign_code(&mut invalid);
        assert_eq!(code(&invalid), "\"GRAPHQL_VALIDATION_FAILED\"");

        // A code already given is kept, message included.
        let mut coded = error("no such user", &["user"]);
        tag(&mut coded, "NOT_FOUND");
        assign_code(&mut coded);
        assert_eq!(code(&coded), "\"NOT_FOUND\"");
        assert_eq!(coded.message, "no such user");
    }
}
