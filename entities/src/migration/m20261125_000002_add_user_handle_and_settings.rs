//! `users.handle` (unique) and `settings`, the target of an association
//! keyed by that non-primary source key, deleted with its user. History:
//! spelled out, not read from today's entities.

use hasone::tenancy::SchemaName;
use sea_orm::sea_query::{Alias, TableRef};
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::m20261125_000001_create_demo_tables::{foreign_key, pk};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_add_user_handle_and_settings"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Handle,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Id,
    UserHandle,
    Theme,
    Notifications,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::Handle).string().null())
                    .to_owned(),
            )
            .await?;
        // Existing users get `user<id>`; new ones choose theirs.
        let concat = match manager.get_database_backend() {
            DbBackend::MySql => "CONCAT('user', id)",
            _ => "'user' || id",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE users SET handle = {concat} WHERE handle IS NULL"
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_users_handle")
                    .table(Users::Table)
                    .col(Users::Handle)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(settings_table(None, Some(Users::Table.into_table_ref())))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Settings::Table).if_exists().to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_users_handle")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Handle)
                    .to_owned(),
            )
            .await
    }
}

/// The `settings` table, in `schema` when given, with a foreign key to
/// `users.handle` when `users` is given.
pub fn settings_table(
    schema: Option<&SchemaName>,
    users: Option<TableRef>,
) -> TableCreateStatement {
    let prefix = schema.map(|s| format!("{s}_")).unwrap_or_default();
    let settings = match schema {
        Some(schema) => (Alias::new(schema.as_str()), Settings::Table.into_iden()).into_table_ref(),
        None => Settings::Table.into_table_ref(),
    };
    let mut create = Table::create()
        .table(settings.clone())
        .if_not_exists()
        .col(pk(Settings::Id))
        .col(ColumnDef::new(Settings::UserHandle).string().null())
        .col(ColumnDef::new(Settings::Theme).string_len(16).not_null())
        .col(
            ColumnDef::new(Settings::Notifications)
                .boolean()
                .not_null()
                .default(true),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_settings_user_handle"))
                .col(Settings::UserHandle)
                .unique(),
        )
        .to_owned();
    if let Some(users) = users {
        create.foreign_key(&mut foreign_key(
            &format!("{prefix}fk_settings_user_handle"),
            settings,
            Settings::UserHandle,
            users,
            Users::Handle,
            ForeignKeyAction::Cascade,
        ));
    }
    create
}
