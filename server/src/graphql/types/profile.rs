//! `Profile`: target of `User.hasOne(Profile)`.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::tenancy::SchemaName;
use entities::{profile, user};
use sea_orm::ActiveValue::Set;

use super::{Input, User, text};
use crate::graphql::crud;
use crate::graphql::error::ApiError;
use crate::graphql::has_one::by_id;
use crate::graphql::relay::{FromRow, global_id};

/// A user's profile.
#[derive(Clone, Debug)]
pub struct Profile {
    pub row: profile::Model,
    /// The schema the row was read from (`None`: the default one).
    pub schema: Option<SchemaName>,
}

impl FromRow<profile::Model> for Profile {
    fn from_row(row: profile::Model, schema: Option<SchemaName>) -> Self {
        Profile { row, schema }
    }
}

/// Model scopes of `Profile`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entities::profile::Scope")]
pub enum ProfileScope {
    /// The default scope (no condition).
    Default,
    /// Only public profiles (`visibility = 'public'`).
    Public,
}

/// Who may see a profile.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Visibility {
    Public,
    #[default]
    Private,
}

impl Visibility {
    fn as_db(self) -> &'static str {
        match self {
            Visibility::Public => profile::PUBLIC,
            Visibility::Private => profile::PRIVATE,
        }
    }
}

#[Object]
impl Profile {
    /// The global id, `Profile:<rowId>`.
    pub async fn id(&self) -> ID {
        global_id::<profile::Entity>(self.row.id, self.schema.as_ref())
    }

    /// The primary key, `profiles.id`.
    async fn row_id(&self) -> i32 {
        self.row.id
    }

    /// The foreign key `profiles.user_id`; null when unlinked.
    async fn user_id(&self) -> Option<ID> {
        self.row
            .user_id
            .map(|id| global_id::<user::Entity>(id, None))
    }

    async fn bio(&self) -> &str {
        &self.row.bio
    }

    async fn visibility(&self) -> Visibility {
        if self.row.visibility == profile::PUBLIC {
            Visibility::Public
        } else {
            Visibility::Private
        }
    }

    /// The inverse `Profile.belongsTo(User)`; null when unlinked.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, ApiError> {
        by_id::<user::Entity, User>(ctx, self.row.user_id, None).await
    }
}

/// Values of a new profile.
#[derive(InputObject)]
pub struct CreateProfileInput {
    /// Up to 255 characters.
    pub bio: String,
    #[graphql(default)]
    pub visibility: Visibility,
}

impl Input for CreateProfileInput {
    type ActiveModel = profile::ActiveModel;

    fn into_active_model(self) -> Result<profile::ActiveModel, ApiError> {
        Ok(profile::ActiveModel {
            bio: Set(text("bio", self.bio, 0)?),
            visibility: Set(self.visibility.as_db().to_owned()),
            ..Default::default()
        })
    }
}

/// Changes to a profile; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProfileInput {
    pub bio: Option<String>,
    pub visibility: Option<Visibility>,
}

#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Creates a profile linked to nobody (link it with `setUserProfile`).
    async fn create_profile(
        &self,
        ctx: &Context<'_>,
        input: CreateProfileInput,
    ) -> Result<Option<Profile>, ApiError> {
        crud::insert(ctx, input.into_active_model()?)
            .await
            .map(|row| Some(Profile::from_row(row, None)))
    }

    /// Updates a profile's own columns (its link moves with `setUserProfile`).
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
        input: UpdateProfileInput,
    ) -> Result<Option<Profile>, ApiError> {
        crud::update::<profile::Entity>(ctx, "id", &id, |p| {
            if let Some(bio) = input.bio {
                p.bio = Set(text("bio", bio, 0)?);
            }
            if let Some(v) = input.visibility {
                p.visibility = Set(v.as_db().to_owned());
            }
            Ok(())
        })
        .await
        .map(|row| Some(Profile::from_row(row, None)))
    }

    /// Deletes a profile; returns its global id.
    async fn delete_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
    ) -> Result<Option<ID>, ApiError> {
        crud::delete::<profile::Entity>(ctx, "id", &id)
            .await
            .map(Some)
    }
}
