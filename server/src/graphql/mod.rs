//! The GraphQL schema: one [`build_schema`] for the server, the tests and
//! `print-schema`, and the [`Api`] that executes requests with a fresh set
//! of loaders each.

pub mod crud;
pub mod documents;
pub mod error;
pub mod has_one;
pub mod limits;
pub mod loaders;
pub mod prefetch;
pub mod relay;
pub mod types;

use std::time::Instant;

use async_graphql::{
    BatchRequest, BatchResponse, EmptySubscription, ErrorExtensions, MergedObject, Request,
    Response, Schema, ServerError,
};
use entities::tenancy::Allowlist;
use sea_orm::DatabaseConnection;
use tokio::time::timeout;

use crate::config::{Limits, Settings};
use crate::db::Statements;
use limits::{LIMIT_EXCEEDED, request_error};
use loaders::Loaders;
use types::{
    address::AddressMutation,
    profile::ProfileMutation,
    project::ProjectMutation,
    settings::SettingsMutation,
    user::{
        UserBillingAddressMutation, UserMutation, UserProfileMutation, UserProjectMutation,
        UserQuery, UserSettingsMutation, UserShippingAddressMutation,
    },
};

#[derive(MergedObject, Default)]
pub struct QueryRoot(UserQuery, relay::NodeQuery);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    UserProfileMutation,
    UserBillingAddressMutation,
    UserShippingAddressMutation,
    UserProjectMutation,
    UserSettingsMutation,
    UserMutation,
    ProfileMutation,
    AddressMutation,
    ProjectMutation,
    SettingsMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// What the schema needs.
pub struct SchemaDeps {
    pub db: DatabaseConnection,
    pub allowlist: Allowlist,
    pub limits: Limits,
    pub introspection: bool,
}

/// Limits of a page of a connection.
#[derive(Clone, Copy, Debug)]
pub struct PageLimits {
    pub max_page_size: u64,
}

pub fn build_schema(deps: SchemaDeps) -> AppSchema {
    let limits = &deps.limits;
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(deps.db)
    .data(deps.allowlist)
    .data(PageLimits {
        max_page_size: limits.max_page_size,
    })
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity);
    if !deps.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    let settings = Settings::default();
    build_schema(SchemaDeps {
        db: DatabaseConnection::default(),
        allowlist: Allowlist::default(),
        limits: settings.limits,
        introspection: true,
    })
    .sdl()
}

/// Executes requests, each with its own loaders (never shared across
/// requests), within the request timeout, counting the statements each one
/// issues and logging one line per operation.
pub struct Api {
    schema: AppSchema,
    db: DatabaseConnection,
    limits: Limits,
    documents: documents::Documents,
}

impl Api {
    pub fn new(deps: SchemaDeps) -> Self {
        let db = deps.db.clone();
        let limits = deps.limits.clone();
        Api {
            schema: build_schema(deps),
            db,
            limits,
            documents: Default::default(),
        }
    }

    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    pub async fn execute(&self, mut request: Request, request_id: &str) -> Response {
        let operation = request.operation_name.clone();
        let started = Instant::now();
        let (mut response, statements) = match self.check(&mut request) {
            Ok(()) => self.run(request).await,
            Err(err) => (Response::from_errors(vec![err]), 0),
        };
        for err in &mut response.errors {
            error::assign_code(err);
            let ext = err.extensions.get_or_insert_with(Default::default);
            ext.set("requestId", request_id);
        }
        if tracing::enabled!(tracing::Level::INFO) {
            let codes: Vec<String> = response
                .errors
                .iter()
                .filter_map(|e| e.extensions.as_ref()?.get("code").map(|c| c.to_string()))
                .collect();
            tracing::info!(
                request_id,
                operation = operation.as_deref().unwrap_or(""),
                duration_ms = started.elapsed().as_millis() as u64,
                statements,
                errors = ?codes,
                "graphql"
            );
        }
        response
    }

    /// Parses the document, or copies the one parsed before for the same
    /// text (async-graphql executes the parsed one), and checks the limits
    /// async-graphql does not know.
    fn check(&self, request: &mut Request) -> Result<(), ServerError> {
        let doc = self.documents.parse(request).map_err(|mut err| {
            error::tag(&mut err, "GRAPHQL_PARSE_FAILED");
            err
        })?;
        limits::check_aliases(doc, self.limits.max_aliases)
    }

    /// Executes a checked request with its own loaders, within the timeout;
    /// returns the response and the number of SQL statements it issued.
    async fn run(&self, request: Request) -> (Response, u64) {
        let request = request.data(Loaders::new(self.db.clone()));
        let run = Statements::count(self.schema.execute(request));
        match timeout(self.limits.request_timeout(), run).await {
            Ok(done) => done,
            Err(_) => {
                let message = format!(
                    "the request took longer than {} ms",
                    self.limits.request_timeout_ms
                );
                let err = async_graphql::Error::new(message)
                    .extend_with(|_, e| e.set("code", "TIMEOUT"))
                    .into_server_error(Default::default());
                (Response::from_errors(vec![err]), 0)
            }
        }
    }

    pub async fn execute_batch(&self, batch: BatchRequest, request_id: &str) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => {
                BatchResponse::Single(self.execute(request, request_id).await)
            }
            BatchRequest::Batch(requests) if requests.len() > self.limits.max_batch => {
                let message = format!(
                    "the batch has {} operations; at most {} are allowed",
                    requests.len(),
                    self.limits.max_batch
                );
                BatchResponse::Single(Response::from_errors(vec![request_error(
                    message,
                    LIMIT_EXCEEDED,
                )]))
            }
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request, request_id).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }
}
