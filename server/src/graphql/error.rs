//! The one place where errors become GraphQL errors with `extensions.code`.
//!
//! Codes: `NOT_FOUND`, `BAD_USER_INPUT`, `CONFLICT`, `INTERNAL`, `TIMEOUT`,
//! and for requests refused before execution `GRAPHQL_PARSE_FAILED`,
//! `GRAPHQL_VALIDATION_FAILED`, `LIMIT_EXCEEDED` and `BAD_REQUEST`. Messages never carry SQL: database errors
//! are logged and answered as `INTERNAL`.

use std::sync::Arc;

use async_graphql::extensions::ResolveInfo;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextResolve, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensions, ServerError, ServerResult, ValidationResult, Variables};
use sea_orm::DbErr;

/// An error of the API, answered with its code. Deliberately not `Display`,
/// so that `?` converts it through [`From`] below and never loses its code.
#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    BadUserInput(String),
    Conflict(String),
    /// Logged with its cause; the client sees only "internal error".
    Internal,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Internal => "INTERNAL",
        }
    }

    fn message(&self) -> &str {
        match self {
            ApiError::NotFound(m) | ApiError::BadUserInput(m) | ApiError::Conflict(m) => m,
            ApiError::Internal => "internal error",
        }
    }

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

impl From<entities::Error> for ApiError {
    fn from(err: entities::Error) -> Self {
        match err {
            entities::Error::NotFound { entity, id } => {
                let ty = super::relay::type_of_table(entity).unwrap_or(entity);
                ApiError::NotFound(format!("{ty} {id} not found"))
            }
            entities::Error::Conflict(m) => ApiError::Conflict(m.to_owned()),
            entities::Error::Db(e) => ApiError::internal(&e),
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        entities::Error::from(err).into()
    }
}

impl From<Arc<DbErr>> for ApiError {
    fn from(err: Arc<DbErr>) -> Self {
        ApiError::internal(&err)
    }
}

/// Codes of errors that refuse the whole request before execution: the
/// answer then has no `data`.
pub const REQUEST_ERROR_CODES: [&str; 4] = [
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    super::limits::LIMIT_EXCEEDED,
    "BAD_REQUEST",
];

fn tag(err: &mut ServerError, code: &'static str) {
    let ext = err.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
    }
}

/// Gives a code to the errors async-graphql raises itself: syntax errors,
/// validation errors, and argument values that do not parse.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut e| {
            tag(&mut e, "GRAPHQL_PARSE_FAILED");
            e
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errs| {
            for e in &mut errs {
                // async-graphql's own depth and complexity limits.
                let limit = [
                    "too deep",
                    "too complex",
                    "recursion depth",
                    "too many directives",
                ]
                .iter()
                .any(|m| e.message.contains(m));
                let code = if limit {
                    super::limits::LIMIT_EXCEEDED
                } else {
                    "GRAPHQL_VALIDATION_FAILED"
                };
                tag(e, code);
            }
            errs
        })
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<async_graphql::Value>> {
        // Every error of our resolvers has a code; one without is an
        // argument value that failed to parse.
        next.run(ctx, info).await.map_err(|mut e| {
            tag(&mut e, "BAD_USER_INPUT");
            e
        })
    }
}
