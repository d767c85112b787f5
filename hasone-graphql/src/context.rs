//! What every request carries into its resolvers: its own [`Loaders`],
//! and the [`Shared`] state of the [`crate::Api`] that runs it. The API
//! puts both in each request's data; nothing is in the schema's, so a
//! schema is built, and its SDL printed, without a database.

use std::sync::Arc;

use async_graphql::Context;
use hasone::tenancy::Allowlist;
use sea_orm::DatabaseConnection;

use crate::changes::Changes;
use crate::error::ApiError;
use crate::loaders::Loaders;

/// What every request of an [`crate::Api`] shares.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The pool mutations write with (the primary).
    pub db: DatabaseConnection,
    /// The schemas a request's `schema` argument may name.
    pub allowlist: Allowlist,
    /// The largest `first` a list accepts.
    pub max_page_size: u64,
    /// Where mutations publish what they change, for subscriptions.
    pub changes: Changes,
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Loaders>()
        .map_err(|e| ApiError::internal(&e.message))
}

/// The state the request's API shares with every other request.
pub(crate) fn shared<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Shared>, ApiError> {
    ctx.data::<Arc<Shared>>()
        .map_err(|e| ApiError::internal(&e.message))
}
