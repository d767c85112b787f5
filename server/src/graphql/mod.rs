//! The GraphQL schema: one [`build_schema`] for the server, the tests and
//! `print-schema`, and the [`Api`] that executes requests with a fresh set
//! of loaders each.

pub mod bounds;
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

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, EmptySubscription, ErrorExtensions, MergedObject, Request,
    Response, Schema, ServerError,
};
use entities::tenancy::Allowlist;
use sea_orm::DatabaseConnection;
use tokio::time::timeout_at;

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
        // No "Did you mean …" either: it would list the fields
        // introspection hides.
        builder = builder.disable_introspection().disable_suggestions();
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
    introspection: bool,
    documents: documents::Documents,
}

/// What a prepared request will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// A query (or a document whose operation is not known yet: the
    /// executor reports an unknown `operationName`).
    Query,
    /// A mutation or a subscription: never over GET.
    Write,
}

impl Api {
    pub fn new(deps: SchemaDeps) -> Self {
        let db = deps.db.clone();
        let limits = deps.limits.clone();
        let introspection = deps.introspection;
        Api {
            schema: build_schema(deps),
            db,
            limits,
            introspection,
            documents: Default::default(),
        }
    }

    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// The limits requests run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Bounds, parses and checks a request's document before anything
    /// recursive touches it (see [`bounds`]); returns what it would run.
    /// An `Err` refuses the request before execution.
    pub fn prepare(&self, request: &mut Request) -> Result<OperationKind, ServerError> {
        let limits = &self.limits;
        let introspection = self.introspection;
        let name = request.operation_name.clone();
        let doc = self.documents.prepare(request, |doc| {
            bounds::check_expansion(doc, limits.max_complexity)?;
            limits::check_aliases(doc, limits.max_aliases)?;
            if !introspection {
                limits::check_introspection_off(doc)?;
            }
            Ok(())
        })?;
        Ok(operation_kind(doc, name.as_deref()))
    }

    /// Executes one request: [`Api::prepare`], then the schema, all within
    /// the request timeout; every error gets its code and the request id.
    pub async fn execute(&self, request: Request, request_id: &str) -> Response {
        let deadline = Instant::now() + self.limits.request_timeout();
        self.execute_until(request, request_id, deadline).await
    }

    async fn execute_until(
        &self,
        mut request: Request,
        request_id: &str,
        deadline: Instant,
    ) -> Response {
        let operation = request.operation_name.clone();
        let started = Instant::now();
        let run = async {
            match self.prepare(&mut request) {
                Ok(_) => self.run(request).await,
                Err(err) => (Response::from_errors(vec![err]), 0),
            }
        };
        let (mut response, statements) = match timeout_at(deadline.into(), run).await {
            Ok(done) => done,
            Err(_) => (Response::from_errors(vec![self.timed_out()]), 0),
        };
        finish_errors(&mut response, request_id);
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

    /// Executes a prepared request with its own loaders; returns the
    /// response and the number of SQL statements it issued.
    async fn run(&self, request: Request) -> (Response, u64) {
        let request = request.data(Loaders::new(self.db.clone()));
        Statements::count(self.schema.execute(request)).await
    }

    fn timed_out(&self) -> ServerError {
        let message = format!(
            "the request took longer than {} ms",
            self.limits.request_timeout_ms
        );
        async_graphql::Error::new(message)
            .extend_with(|_, e| e.set("code", "TIMEOUT"))
            .into_server_error(Default::default())
    }

    /// Executes a request or a batch; a batch's operations run one after
    /// the other, all within one request timeout.
    pub async fn execute_batch(&self, batch: BatchRequest, request_id: &str) -> BatchResponse {
        let deadline = Instant::now() + self.limits.request_timeout();
        match batch {
            BatchRequest::Single(request) => {
                BatchResponse::Single(self.execute_until(request, request_id, deadline).await)
            }
            BatchRequest::Batch(requests) if requests.len() > self.limits.max_batch => {
                let message = format!(
                    "the batch has {} operations; at most {} are allowed",
                    requests.len(),
                    self.limits.max_batch
                );
                let mut response =
                    Response::from_errors(vec![request_error(message, LIMIT_EXCEEDED)]);
                finish_errors(&mut response, request_id);
                BatchResponse::Single(response)
            }
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute_until(request, request_id, deadline).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }
}

/// Gives every error its code and the request id.
fn finish_errors(response: &mut Response, request_id: &str) {
    for err in &mut response.errors {
        error::assign_code(err);
        let ext = err.extensions.get_or_insert_with(Default::default);
        ext.set("requestId", request_id);
    }
}

/// Whether the operation `name` picks (or, without a name, any operation)
/// writes.
fn operation_kind(doc: &ExecutableDocument, name: Option<&str>) -> OperationKind {
    let is_write = |ty: OperationType| ty != OperationType::Query;
    let write = match &doc.operations {
        DocumentOperations::Single(op) => is_write(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops.get(name).is_some_and(|op| is_write(op.node.ty)),
            None => ops.values().any(|op| is_write(op.node.ty)),
        },
    };
    if write {
        OperationKind::Write
    } else {
        OperationKind::Query
    }
}
