//! `User`: the source of the demo associations, `user`/`users` queries and
//! the has-one mutations.

use std::borrow::Cow;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object};
use entities::{address, profile, project, settings, user};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::address::{Address, AddressScope, CreateAddressInput};
use super::profile::{CreateProfileInput, Profile, ProfileScope};
use super::project::{CreateProjectInput, Project, ProjectScope};
use super::settings::{CreateSettingsInput, Settings, SettingsScope};
use super::{Input, text};
use crate::graphql::error::ApiError;
use crate::graphql::has_one::{self, by_id, get, has_one_mutations};
use crate::graphql::prefetch::{Level, prefetch};
use crate::graphql::relay::{FromRow, RowCursor, global_id, parse_id};
use crate::graphql::{PageLimits, crud};
use entities::tenancy::SchemaName;

/// A user: the source of every has-one association.
#[derive(Clone, Debug)]
pub struct User(pub user::Model);

/// Users live in the default schema only.
impl FromRow<user::Model> for User {
    fn from_row(row: user::Model, _: Option<SchemaName>) -> Self {
        User(row)
    }
}

#[Object]
impl User {
    /// The global id, `User:<rowId>`.
    pub async fn id(&self) -> ID {
        global_id::<user::Entity>(self.0.id, None)
    }

    /// The primary key, `users.id`.
    async fn row_id(&self) -> i32 {
        self.0.id
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Unique, changeable; the source key of `settings`.
    async fn handle(&self) -> Option<&str> {
        self.0.handle.as_deref()
    }

    /// `User.hasOne(Profile)`: `user.getProfile({ scope, schema })`.
    async fn profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Model scopes of the target: omitted, the default scope; `[]`, none; `[X]`, X instead of the default; `[DEFAULT, X]`, both merged in order."
        )]
        scope: Option<Vec<ProfileScope>>,
        #[graphql(desc = "Read the target table in this allowlisted schema.")] schema: Option<
            String,
        >,
    ) -> Result<Option<Profile>, ApiError> {
        get(ctx, &user::PROFILE, &self.0, scope, schema).await
    }

    /// `User.hasOne(Address, { as: 'billingAddress', scope: { kind: 'billing' } })`.
    async fn billing_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Model scopes of the target: omitted, the default scope; `[]`, none; `[X]`, X instead of the default; `[DEFAULT, X]`, both merged in order."
        )]
        scope: Option<Vec<AddressScope>>,
        #[graphql(desc = "Read the target table in this allowlisted schema.")] schema: Option<
            String,
        >,
    ) -> Result<Option<Address>, ApiError> {
        get(ctx, &user::BILLING_ADDRESS, &self.0, scope, schema).await
    }

    /// `User.hasOne(Address, { as: 'shippingAddress', scope: { kind: 'shipping' } })`.
    async fn shipping_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Model scopes of the target: omitted, the default scope; `[]`, none; `[X]`, X instead of the default; `[DEFAULT, X]`, both merged in order."
        )]
        scope: Option<Vec<AddressScope>>,
        #[graphql(desc = "Read the target table in this allowlisted schema.")] schema: Option<
            String,
        >,
    ) -> Result<Option<Address>, ApiError> {
        get(ctx, &user::SHIPPING_ADDRESS, &self.0, scope, schema).await
    }

    /// `User.hasOne(Project, { foreignKey: 'owner_id' })`; the default scope
    /// hides archived projects.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Model scopes of the target: omitted, the default scope; `[]`, none; `[X]`, X instead of the default; `[DEFAULT, X]`, both merged in order."
        )]
        scope: Option<Vec<ProjectScope>>,
        #[graphql(desc = "Read the target table in this allowlisted schema.")] schema: Option<
            String,
        >,
    ) -> Result<Option<Project>, ApiError> {
        get(ctx, &user::PROJECT, &self.0, scope, schema).await
    }

    /// `User.hasOne(Settings, { sourceKey: 'handle', onDelete: 'CASCADE' })`:
    /// keyed by the handle, deleted with the user.
    async fn settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Model scopes of the target (settings have only the empty default).")]
        scope: Option<Vec<SettingsScope>>,
        #[graphql(desc = "Read the target table in this allowlisted schema.")] schema: Option<
            String,
        >,
    ) -> Result<Option<Settings>, ApiError> {
        get(ctx, &user::SETTINGS, &self.0, scope, schema).await
    }
}

/// Extra fields of the users connection.
pub struct UsersTotal;

#[Object]
impl UsersTotal {
    /// The number of users (one more statement, only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64, ApiError> {
        Ok(user::Entity::find().count(has_one::db(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// A user by global id or row id; null when there is none.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id (`User:42`) or row id.")] id: ID,
    ) -> Result<Option<User>, ApiError> {
        let row = parse_id::<user::Entity>("id", &id, None)?;
        let user: Option<User> = by_id::<user::Entity, User>(ctx, Some(row), None).await?;
        if let Some(User(row)) = &user {
            let rows = std::slice::from_ref(row);
            prefetch(ctx, Level::Users(ctx.look_ahead(), Cow::Borrowed(rows))).await;
        }
        Ok(user)
    }

    /// Users by ascending id, as a Relay connection.
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0 to the configured maximum (default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<RowCursor, User, UsersTotal>, ApiError> {
        let max = ctx
            .data::<PageLimits>()
            .map(|l| l.max_page_size)
            .unwrap_or(100);
        let first = u64::try_from(first.unwrap_or(20))
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                ApiError::bad_input(format!("argument `first` must be between 0 and {max}"))
            })?;
        let after = after
            .map(|c| {
                async_graphql::connection::CursorType::decode_cursor(&c).map_err(|_| {
                    ApiError::bad_input(format!("argument `after`: invalid cursor {c:?}"))
                })
            })
            .transpose()?;
        let mut query = user::Entity::find().order_by_asc(user::Column::Id);
        if let Some(RowCursor(id)) = after {
            query = query.filter(user::Column::Id.gt(id));
        }
        let mut rows = query.limit(first + 1).all(has_one::db(ctx)?).await?;
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        let node = ctx.look_ahead().field("edges").field("node");
        prefetch(ctx, Level::Users(node, Cow::Borrowed(&rows))).await;
        let mut connection =
            Connection::with_additional_fields(after.is_some(), has_next, UsersTotal);
        connection.edges.extend(
            rows.into_iter()
                .map(|u| Edge::new(RowCursor(u.id), User(u))),
        );
        Ok(connection)
    }
}

/// Values of a new user.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// 1 to 255 characters.
    pub name: String,
    /// Unique; must contain `@`.
    pub email: String,
    /// Unique; letters, digits, `_` and `-`, 1 to 64 characters.
    pub handle: Option<String>,
}

/// Changes to a user; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    pub name: Option<String>,
    pub email: Option<String>,
    /// A new handle: linked settings follow it (`ON UPDATE CASCADE`).
    pub handle: Option<String>,
}

fn handle(value: String) -> Result<String, ApiError> {
    let ok = (1..=64).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(ApiError::bad_input(
            "field `handle` must be 1 to 64 letters, digits, `_` or `-`",
        ));
    }
    Ok(value)
}

fn email(value: String) -> Result<String, ApiError> {
    let value = text("email", value, 3)?;
    if !value.contains('@') {
        return Err(ApiError::bad_input("field `email` must contain @"));
    }
    Ok(value)
}

impl Input for CreateUserInput {
    type ActiveModel = user::ActiveModel;

    fn into_active_model(self) -> Result<user::ActiveModel, ApiError> {
        Ok(user::ActiveModel {
            name: Set(text("name", self.name, 1)?),
            email: Set(email(self.email)?),
            handle: Set(self.handle.map(handle).transpose()?),
            ..Default::default()
        })
    }
}

#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Creates a user.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> Result<Option<User>, ApiError> {
        crud::insert(ctx, input.into_active_model()?)
            .await
            .map(|row| Some(User(row)))
    }

    /// Updates a user.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
        input: UpdateUserInput,
    ) -> Result<Option<User>, ApiError> {
        crud::update::<user::Entity>(ctx, "id", &id, |u| {
            if let Some(name) = input.name {
                u.name = Set(text("name", name, 1)?);
            }
            if let Some(value) = input.email {
                u.email = Set(email(value)?);
            }
            if let Some(value) = input.handle {
                u.handle = Set(Some(handle(value)?));
            }
            Ok(())
        })
        .await
        .map(|row| Some(User(row)))
    }

    /// Deletes a user; its profile, addresses and project stay, unlinked
    /// (`ON DELETE SET NULL`); its settings are deleted (`CASCADE`).
    /// Returns the deleted user's global id.
    async fn delete_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
    ) -> Result<Option<ID>, ApiError> {
        crud::delete::<user::Entity>(ctx, "id", &id).await.map(Some)
    }
}

has_one_mutations! {
    UserProfileMutation for user::PROFILE {
        source: User (user::Entity) as "user", arg "userId",
        target: Profile (profile::Entity) as "profile", arg "profileId",
        create: "createUserProfile" (CreateProfileInput) -> CreateUserProfilePayload,
            doc "`user.createProfile(values)`: creates a profile linked to the user, unlinking the current one.",
        set: "setUserProfile" -> SetUserProfilePayload,
            doc "`user.setProfile(profile)`: unlinks the current profile and links this one; null only unlinks.",
    }
}

has_one_mutations! {
    UserBillingAddressMutation for user::BILLING_ADDRESS {
        source: User (user::Entity) as "user", arg "userId",
        target: Address (address::Entity) as "billingAddress", arg "billingAddressId",
        create: "createUserBillingAddress" (CreateAddressInput) -> CreateUserBillingAddressPayload,
            doc "`user.createBillingAddress(values)`: creates an address with `kind = billing` linked to the user, unlinking the current one.",
        set: "setUserBillingAddress" -> SetUserBillingAddressPayload,
            doc "`user.setBillingAddress(address)`: unlinks the current billing address and links this one, setting `kind = billing`; null only unlinks.",
    }
}

has_one_mutations! {
    UserShippingAddressMutation for user::SHIPPING_ADDRESS {
        source: User (user::Entity) as "user", arg "userId",
        target: Address (address::Entity) as "shippingAddress", arg "shippingAddressId",
        create: "createUserShippingAddress" (CreateAddressInput) -> CreateUserShippingAddressPayload,
            doc "`user.createShippingAddress(values)`: creates an address with `kind = shipping` linked to the user, unlinking the current one.",
        set: "setUserShippingAddress" -> SetUserShippingAddressPayload,
            doc "`user.setShippingAddress(address)`: unlinks the current shipping address and links this one, setting `kind = shipping`; null only unlinks.",
    }
}

has_one_mutations! {
    UserProjectMutation for user::PROJECT {
        source: User (user::Entity) as "user", arg "userId",
        target: Project (project::Entity) as "project", arg "projectId",
        create: "createUserProject" (CreateProjectInput) -> CreateUserProjectPayload,
            doc "`user.createProject(values)`: creates a project owned by the user, unlinking the current one.",
        set: "setUserProject" -> SetUserProjectPayload,
            doc "`user.setProject(project)`: unlinks the current project (archived or not) and links this one; null only unlinks.",
    }
}

has_one_mutations! {
    UserSettingsMutation for user::SETTINGS {
        source: User (user::Entity) as "user", arg "userId",
        target: Settings (settings::Entity) as "settings", arg "settingsId",
        create: "createUserSettings" (CreateSettingsInput) -> CreateUserSettingsPayload,
            doc "`user.createSettings(values)`: creates settings linked to the user's handle, unlinking the current ones.",
        set: "setUserSettings" -> SetUserSettingsPayload,
            doc "`user.setSettings(settings)`: unlinks the current settings and links these to the user's handle; null only unlinks. Refused with CONFLICT when the user has no handle.",
    }
}
