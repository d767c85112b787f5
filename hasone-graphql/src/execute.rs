//! [`Api`]: executes requests against a schema, each with its own loaders
//! (never shared across requests), bounded before anything recursive runs
//! ([`crate::bounds`]), within the request timeout, counting the
//! statements each issues and logging one line per operation.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::futures_util::future::BoxFuture;
use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, ErrorExtensions, ObjectType, Request, Response, Schema,
    SchemaBuilder, ServerError, SubscriptionType,
};
use hasone::tenancy::Allowlist;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::time::timeout_at;

use crate::changes::Changes;
use crate::context::Shared;
use crate::documents::Documents;
use crate::error::assign_code;
use crate::limits::{LIMIT_EXCEEDED, check_aliases, check_introspection_off, request_error};
use crate::loaders::Loaders;
use crate::statements::Statements;

/// What one request may ask for.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest `first` of a connection.
    pub max_page_size: u64,
    /// Deepest selection nesting (at most 32: async-graphql's own bound).
    pub max_depth: usize,
    /// Largest query complexity (one per field, `__typename` included).
    pub max_complexity: usize,
    /// Most aliased fields in a document.
    pub max_aliases: usize,
    /// Most operations in a batch.
    pub max_batch: usize,
    /// How long a request (parse, checks, execution; a batch as a whole)
    /// may run before it is answered with `TIMEOUT`.
    pub request_timeout: Duration,
    /// Whether `__schema` and `__type` are served.
    pub introspection: bool,
}

impl Limits {
    /// The defaults, the one place they are written (hasone-actix's
    /// settings take theirs from here).
    pub const DEFAULT: Limits = Limits {
        max_page_size: 100,
        max_depth: 15,
        max_complexity: 500,
        max_aliases: 30,
        max_batch: 10,
        request_timeout: Duration::from_secs(10),
        introspection: true,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// async-graphql's recursion depth limit, above which no selection runs.
pub const MAX_DEPTH_CEILING: usize = 32;

impl Limits {
    /// Refuses limits that cannot be honoured.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_depth > MAX_DEPTH_CEILING {
            return Err(format!(
                "the depth limit is {}; at most {MAX_DEPTH_CEILING} is possible",
                self.max_depth
            ));
        }
        Ok(())
    }

    /// Applies the depth, complexity and introspection limits to a schema
    /// being built.
    pub(crate) fn apply<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
        let builder = builder
            .limit_depth(self.max_depth)
            .limit_complexity(self.max_complexity);
        if self.introspection {
            builder
        } else {
            // No "Did you mean …" either: it would list the fields
            // introspection hides.
            builder.disable_introspection().disable_suggestions()
        }
    }
}

/// A schema, whatever its root types.
trait AnySchema: Send + Sync {
    /// Executes one request.
    fn run(&self, request: Request) -> BoxFuture<'_, Response>;
    /// The schema in SDL.
    fn sdl(&self) -> String;
    /// Executes one request as a stream of responses (a subscription's
    /// events).
    fn stream(&self, request: Request) -> BoxStream<'static, Response>;
}

impl<Q, M, S> AnySchema for Schema<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    fn run(&self, request: Request) -> BoxFuture<'_, Response> {
        Box::pin(self.execute(request))
    }

    fn sdl(&self) -> String {
        Schema::sdl(self)
    }

    fn stream(&self, request: Request) -> BoxStream<'static, Response> {
        self.execute_stream(request)
    }
}

/// What a prepared request will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// A query (or a document whose operation is not known yet: the
    /// executor reports an unknown `operationName`).
    Query,
    /// A mutation: never over GET.
    Write,
    /// A subscription: over a WebSocket only ([`Api::execute_stream`]).
    Subscription,
}

/// An application's schema, bounded and backed: every request goes
/// through [`Api::prepare`] (text, nesting and fragment-expansion bounds,
/// the document cache) and runs within the request timeout with its own
/// loaders and the API's pool, allowlist and change publisher. Built once
/// with [`Api::builder`].
pub struct Api {
    schema: Box<dyn AnySchema>,
    shared: Arc<Shared>,
    /// Where queries read, when not from the primary (a read replica).
    reads: Option<DatabaseConnection>,
    limits: Limits,
    documents: Documents,
}

/// Why an [`Api`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The limits cannot be honoured ([`Limits::validate`]).
    #[error("{0}")]
    Limits(String),
    /// The change publisher could not start ([`Changes::start`]).
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// An [`Api`] being built: the schema and the pool given, the rest
/// defaulted ([`Limits::DEFAULT`], no tenant schemas, no replica, changes
/// published from the pool).
pub struct ApiBuilder<Q, M, S> {
    schema: SchemaBuilder<Q, M, S>,
    db: DatabaseConnection,
    limits: Limits,
    allowlist: Allowlist,
    reads: Option<DatabaseConnection>,
    changes: Option<Changes>,
}

impl Api {
    /// An API over `schema` (the application's roots, with data of its
    /// own if it has some, not finished yet: the limits are applied to it)
    /// and `db`, the pool every request reads and writes with.
    pub fn builder<Q, M, S>(
        schema: SchemaBuilder<Q, M, S>,
        db: DatabaseConnection,
    ) -> ApiBuilder<Q, M, S>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static,
    {
        ApiBuilder {
            schema,
            db,
            limits: Limits::DEFAULT,
            allowlist: Allowlist::default(),
            reads: None,
            changes: None,
        }
    }

    /// The schema in SDL.
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }

    /// The limits requests run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Bounds, parses and checks a request's document before anything
    /// recursive touches it; returns what it would run. An `Err` refuses
    /// the request before execution.
    pub fn prepare(&self, request: &mut Request) -> Result<OperationKind, ServerError> {
        let limits = &self.limits;
        let name = request.operation_name.clone();
        let doc = self.documents.prepare(request, |doc| {
            crate::bounds::check_expansion(doc, limits.max_complexity)?;
            check_aliases(doc, limits.max_aliases)?;
            crate::rules::check_single_root_field(doc)?;
            if !limits.introspection {
                check_introspection_off(doc)?;
            }
            Ok(())
        })?;
        Ok(operation_kind(doc, name.as_deref()))
    }

    /// Executes one request: [`Api::prepare`], then the schema, all within
    /// the request timeout; every error gets its code and the request id.
    pub async fn execute(&self, request: Request, request_id: &str) -> Response {
        let deadline = Instant::now() + self.limits.request_timeout;
        self.execute_until(request, request_id, deadline, &mut false)
            .await
    }

    /// `wrote`: whether an earlier operation of the request was a mutation
    /// (then this one reads from the primary too); set when this one is.
    async fn execute_until(
        &self,
        mut request: Request,
        request_id: &str,
        deadline: Instant,
        wrote: &mut bool,
    ) -> Response {
        let operation = request.operation_name.clone();
        let started = Instant::now();
        let run = async {
            match self.prepare(&mut request) {
                Ok(kind) => {
                    *wrote |= kind != OperationKind::Query;
                    let reads = match &self.reads {
                        Some(replica) if !*wrote => replica,
                        _ => &self.shared.db,
                    };
                    let request = self.with_data(request, reads);
                    Statements::count(self.schema.run(request)).await
                }
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

    /// Executes one request of a long-lived connection (graphql-ws): a
    /// subscription as a stream of its events, read from the primary (a
    /// replica may not have a change yet when it is announced), with no
    /// request timeout; any other operation as one response, as
    /// [`Api::execute`] answers it. Every request passes [`Api::prepare`]'s
    /// bounds first.
    pub fn execute_stream(
        self: Arc<Self>,
        mut request: Request,
        request_id: String,
    ) -> BoxStream<'static, Response> {
        match self.prepare(&mut request) {
            Ok(OperationKind::Subscription) => {}
            Ok(_) | Err(_) => {
                // Refused documents are answered by `execute` too.
                return Box::pin(stream::once(async move {
                    self.execute(request, &request_id).await
                }));
            }
        }
        tracing::info!(
            request_id,
            operation = request.operation_name.as_deref().unwrap_or(""),
            "subscription"
        );
        let request = self.with_data(request, &self.shared.db);
        Box::pin(self.schema.stream(request).map(move |mut response| {
            finish_errors(&mut response, &request_id);
            response
        }))
    }

    /// A request with what its resolvers need: loaders of its own over
    /// `reads`, and the API's shared state.
    fn with_data(&self, request: Request, reads: &DatabaseConnection) -> Request {
        request
            .data(Loaders::new(reads.clone()))
            .data(self.shared.clone())
    }

    fn timed_out(&self) -> ServerError {
        let message = format!(
            "the request took longer than {} ms",
            self.limits.request_timeout.as_millis()
        );
        async_graphql::Error::new(message)
            .extend_with(|_, e| e.set("code", "TIMEOUT"))
            .into_server_error(Default::default())
    }

    /// Executes a request or a batch; a batch's operations run one after
    /// the other, all within one request timeout.
    pub async fn execute_batch(&self, batch: BatchRequest, request_id: &str) -> BatchResponse {
        let deadline = Instant::now() + self.limits.request_timeout;
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(
                self.execute_until(request, request_id, deadline, &mut false)
                    .await,
            ),
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
                // After a mutation, the batch's later queries read from the
                // primary: a replica may not have it yet.
                let mut wrote = false;
                for request in requests {
                    let response = self
                        .execute_until(request, request_id, deadline, &mut wrote)
                        .await;
                    responses.push(response);
                }
                BatchResponse::Batch(responses)
            }
        }
    }
}

impl<Q, M, S> ApiBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    /// What one request may ask for (default [`Limits::DEFAULT`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The schemas a `schema` argument may name (Sequelize's `schema`
    /// option; see [`crate::Registry::tenancy`]). Default: none.
    pub fn allowlist(mut self, allowlist: Allowlist) -> Self {
        self.allowlist = allowlist;
        self
    }

    /// Queries read from `replica` (a read replica of the pool); mutations,
    /// and every read of a request that mutates, still go to the pool. A
    /// replica may lag: a query right after a mutation may not see it yet
    /// (docs/scaling.md).
    pub fn read_replica(mut self, replica: DatabaseConnection) -> Self {
        self.reads = Some(replica);
        self
    }

    /// Where mutations publish their changes for subscriptions. Default:
    /// [`Changes::start`] on the pool when the API is built;
    /// [`Changes::off`] publishes nothing.
    pub fn changes(mut self, changes: Changes) -> Self {
        self.changes = Some(changes);
        self
    }

    /// The API: limits checked and applied to the schema, changes started.
    pub async fn build(self) -> Result<Api, BuildError> {
        self.limits.validate().map_err(BuildError::Limits)?;
        let changes = match self.changes {
            Some(changes) => changes,
            None => Changes::start(&self.db).await?,
        };
        let schema = self.limits.apply(self.schema).finish();
        Ok(Api {
            schema: Box::new(schema),
            shared: Arc::new(Shared {
                db: self.db,
                allowlist: self.allowlist,
                max_page_size: self.limits.max_page_size,
                changes,
            }),
            reads: self.reads,
            limits: self.limits,
            documents: Documents::default(),
        })
    }
}

/// Gives every error its code and the request id.
fn finish_errors(response: &mut Response, request_id: &str) {
    for err in &mut response.errors {
        assign_code(err);
        let ext = err.extensions.get_or_insert_with(Default::default);
        ext.set("requestId", request_id);
    }
}

/// What the operation `name` picks runs (without a name and with several
/// operations: a write if any of them writes).
fn operation_kind(doc: &ExecutableDocument, name: Option<&str>) -> OperationKind {
    let kind = |ty: OperationType| match ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Write,
        OperationType::Subscription => OperationKind::Subscription,
    };
    match &doc.operations {
        DocumentOperations::Single(op) => kind(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .get(name)
                .map_or(OperationKind::Query, |op| kind(op.node.ty)),
            None if ops.values().all(|op| op.node.ty == OperationType::Query) => {
                OperationKind::Query
            }
            None => OperationKind::Write,
        },
    }
}
