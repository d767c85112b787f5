//! The GraphQL schema: one [`build_schema`] for the server, the tests and
//! `print-schema`, and the [`Api`] that executes requests with a fresh set
//! of loaders each.

pub mod crud;
pub mod error;
pub mod has_one;
pub mod loaders;
pub mod relay;
pub mod types;

use async_graphql::{
    BatchRequest, BatchResponse, EmptySubscription, MergedObject, Request, Response, Schema,
};
use entities::tenancy::Allowlist;
use sea_orm::DatabaseConnection;

use crate::db::Statements;
use error::ErrorCodes;
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
    pub max_page_size: u64,
}

/// Limits of a page of a connection.
#[derive(Clone, Copy, Debug)]
pub struct PageLimits {
    pub max_page_size: u64,
}

pub fn build_schema(deps: SchemaDeps) -> AppSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(deps.db)
    .data(deps.allowlist)
    .data(PageLimits {
        max_page_size: deps.max_page_size,
    })
    .extension(ErrorCodes)
    .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(SchemaDeps {
        db: DatabaseConnection::default(),
        allowlist: Allowlist::default(),
        max_page_size: 100,
    })
    .sdl()
}

/// Executes requests, each with its own loaders (never shared across
/// requests), counting the statements each one issues.
pub struct Api {
    schema: AppSchema,
    db: DatabaseConnection,
}

impl Api {
    pub fn new(deps: SchemaDeps) -> Self {
        let db = deps.db.clone();
        Api {
            schema: build_schema(deps),
            db,
        }
    }

    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    pub async fn execute(&self, request: Request) -> Response {
        let operation = request.operation_name.clone();
        let request = request.data(Loaders::new(self.db.clone()));
        let (response, statements) = Statements::count(self.schema.execute(request)).await;
        tracing::debug!(
            ?operation,
            statements,
            errors = response.errors.len(),
            "graphql request"
        );
        response
    }

    pub async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }
}
