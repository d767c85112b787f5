//! `Project`: target of `User.hasOne(Project)`, with a default scope.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::tenancy::SchemaName;
use entities::{project, user};
use sea_orm::ActiveValue::Set;

use super::{Input, User, text};
use crate::graphql::crud;
use crate::graphql::error::ApiError;
use crate::graphql::has_one::by_id;
use crate::graphql::relay::{FromRow, global_id};

/// A project owned by at most one user.
#[derive(Clone, Debug)]
pub struct Project {
    pub row: project::Model,
    /// The schema the row was read from (`None`: the default one).
    pub schema: Option<SchemaName>,
}

impl FromRow<project::Model> for Project {
    fn from_row(row: project::Model, schema: Option<SchemaName>) -> Self {
        Project { row, schema }
    }
}

/// Model scopes of `Project`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entities::project::Scope")]
pub enum ProjectScope {
    /// The default scope: `archived = false`.
    Default,
    /// `archived = false`.
    Active,
    /// `archived = true`.
    Archived,
}

#[Object]
impl Project {
    /// The global id, `Project:<rowId>`.
    pub async fn id(&self) -> ID {
        global_id::<project::Entity>(self.row.id, self.schema.as_ref())
    }

    /// The primary key, `projects.id`.
    async fn row_id(&self) -> i32 {
        self.row.id
    }

    /// The foreign key `projects.owner_id`; null when unlinked.
    async fn owner_id(&self) -> Option<ID> {
        self.row
            .owner_id
            .map(|id| global_id::<user::Entity>(id, None))
    }

    async fn name(&self) -> &str {
        &self.row.name
    }

    async fn archived(&self) -> bool {
        self.row.archived
    }

    /// The inverse `Project.belongsTo(User, { as: 'owner' })`; null when unlinked.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>, ApiError> {
        by_id::<user::Entity, User>(ctx, self.row.owner_id, None).await
    }
}

/// Values of a new project.
#[derive(InputObject)]
pub struct CreateProjectInput {
    pub name: String,
    #[graphql(default)]
    pub archived: bool,
}

impl Input for CreateProjectInput {
    type ActiveModel = project::ActiveModel;

    fn into_active_model(self) -> Result<project::ActiveModel, ApiError> {
        Ok(project::ActiveModel {
            name: Set(text("name", self.name, 1)?),
            archived: Set(self.archived),
            ..Default::default()
        })
    }
}

/// Changes to a project; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub name: Option<String>,
    pub archived: Option<bool>,
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Creates a project owned by nobody.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> Result<Option<Project>, ApiError> {
        crud::insert(ctx, input.into_active_model()?)
            .await
            .map(|row| Some(Project::from_row(row, None)))
    }

    /// Updates a project's own columns (archive it with `archived: true`).
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
        input: UpdateProjectInput,
    ) -> Result<Option<Project>, ApiError> {
        crud::update::<project::Entity>(ctx, "id", &id, |p| {
            if let Some(v) = input.name {
                p.name = Set(text("name", v, 1)?);
            }
            if let Some(v) = input.archived {
                p.archived = Set(v);
            }
            Ok(())
        })
        .await
        .map(|row| Some(Project::from_row(row, None)))
    }

    /// Deletes a project; returns its global id.
    async fn delete_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
    ) -> Result<Option<ID>, ApiError> {
        crud::delete::<project::Entity>(ctx, "id", &id)
            .await
            .map(Some)
    }
}
