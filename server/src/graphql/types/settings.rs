//! `Settings`: target of `User.hasOne(Settings)` through `users.handle`.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::tenancy::SchemaName;
use entities::{settings, user};
use sea_orm::ActiveValue::Set;
use sea_orm::Value;

use super::{Input, User};
use crate::graphql::crud;
use crate::graphql::error::ApiError;
use crate::graphql::has_one::by_lookup;
use crate::graphql::relay::{FromRow, global_id};

/// A user's settings, linked by the user's handle and deleted with the user.
#[derive(Clone, Debug)]
pub struct Settings {
    pub row: settings::Model,
    /// The schema the row was read from (`None`: the default one).
    pub schema: Option<SchemaName>,
}

impl FromRow<settings::Model> for Settings {
    fn from_row(row: settings::Model, schema: Option<SchemaName>) -> Self {
        Settings { row, schema }
    }
}

/// Model scopes of `Settings` (only the empty default).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entities::settings::Scope")]
pub enum SettingsScope {
    /// The default scope (no condition).
    Default,
}

/// Colour theme.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    fn as_db(self) -> &'static str {
        match self {
            Theme::Light => settings::LIGHT,
            Theme::Dark => settings::DARK,
        }
    }
}

#[Object]
impl Settings {
    /// The global id, `Settings:<rowId>`.
    pub async fn id(&self) -> ID {
        global_id::<settings::Entity>(self.row.id, self.schema.as_ref())
    }

    /// The primary key, `settings.id`.
    async fn row_id(&self) -> i32 {
        self.row.id
    }

    /// The foreign key `settings.user_handle` (the user's handle); null when unlinked.
    async fn user_handle(&self) -> Option<&str> {
        self.row.user_handle.as_deref()
    }

    async fn theme(&self) -> Theme {
        if self.row.theme == settings::DARK {
            Theme::Dark
        } else {
            Theme::Light
        }
    }

    async fn notifications(&self) -> bool {
        self.row.notifications
    }

    /// The inverse `Settings.belongsTo(User, { targetKey: 'handle' })`.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, ApiError> {
        match &self.row.user_handle {
            Some(handle) => {
                by_lookup(ctx, user::BY_HANDLE, Value::from(handle.clone()), None).await
            }
            None => Ok(None),
        }
    }
}

/// Values of new settings.
#[derive(InputObject)]
pub struct CreateSettingsInput {
    #[graphql(default)]
    pub theme: Theme,
    #[graphql(default = true)]
    pub notifications: bool,
}

impl Input for CreateSettingsInput {
    type ActiveModel = settings::ActiveModel;

    fn into_active_model(self) -> Result<settings::ActiveModel, ApiError> {
        Ok(settings::ActiveModel {
            theme: Set(self.theme.as_db().to_owned()),
            notifications: Set(self.notifications),
            ..Default::default()
        })
    }
}

/// Changes to settings; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateSettingsInput {
    pub theme: Option<Theme>,
    pub notifications: Option<bool>,
}

#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Creates settings linked to nobody.
    async fn create_settings(
        &self,
        ctx: &Context<'_>,
        input: CreateSettingsInput,
    ) -> Result<Option<Settings>, ApiError> {
        crud::insert(ctx, input.into_active_model()?)
            .await
            .map(|row| Some(Settings::from_row(row, None)))
    }

    /// Updates settings' own columns.
    async fn update_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
        input: UpdateSettingsInput,
    ) -> Result<Option<Settings>, ApiError> {
        crud::update::<settings::Entity>(ctx, "id", &id, |s| {
            if let Some(v) = input.theme {
                s.theme = Set(v.as_db().to_owned());
            }
            if let Some(v) = input.notifications {
                s.notifications = Set(v);
            }
            Ok(())
        })
        .await
        .map(|row| Some(Settings::from_row(row, None)))
    }

    /// Deletes settings; returns their global id.
    async fn delete_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
    ) -> Result<Option<ID>, ApiError> {
        crud::delete::<settings::Entity>(ctx, "id", &id)
            .await
            .map(Some)
    }
}
