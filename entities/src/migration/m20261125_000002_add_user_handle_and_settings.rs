//! `users.handle` (unique) and `settings`, the target of an association
//! keyed by that non-primary source key, deleted with its user.

use sea_orm::sea_query::TableRef;
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::m20261125_000001_create_demo_tables::{foreign_key, pk};
use crate::has_one::table;
use crate::tenancy::SchemaName;
use crate::{settings, user};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_add_user_handle_and_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(user::Entity)
                    .add_column(ColumnDef::new(user::Column::Handle).string().null())
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
                    .table(user::Entity)
                    .col(user::Column::Handle)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(settings_table(None, Some(table::<user::Entity>(None))))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(settings::Entity).if_exists().to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_users_handle")
                    .table(user::Entity)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(user::Entity)
                    .drop_column(user::Column::Handle)
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
    let mut create = Table::create()
        .table(table::<settings::Entity>(schema))
        .if_not_exists()
        .col(pk(settings::Column::Id))
        .col(ColumnDef::new(settings::Column::UserHandle).string().null())
        .col(
            ColumnDef::new(settings::Column::Theme)
                .string_len(16)
                .not_null(),
        )
        .col(
            ColumnDef::new(settings::Column::Notifications)
                .boolean()
                .not_null()
                .default(true),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_settings_user_handle"))
                .col(settings::Column::UserHandle)
                .unique(),
        )
        .to_owned();
    if let Some(users) = users {
        create.foreign_key(&mut foreign_key(
            &format!("{prefix}fk_settings_user_handle"),
            table::<settings::Entity>(schema),
            settings::Column::UserHandle,
            users,
            user::Column::Handle,
            user::SETTINGS.on_delete,
        ));
    }
    create
}
