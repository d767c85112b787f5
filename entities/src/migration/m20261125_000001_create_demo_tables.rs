//! The demo domain: `users` and the three has-one targets.
//!
//! Every foreign key is nullable with `ON DELETE SET NULL` and
//! `ON UPDATE CASCADE` (Sequelize's `hasOne` defaults) and has an index;
//! a unique index keeps at most one target per source and association.

use sea_orm::sea_query::{Alias, TableRef};
use sea_orm_migration::prelude::*;

use crate::has_one::{OnDelete, table};
use crate::tenancy::SchemaName;
use crate::{address, profile, project, user};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_create_demo_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(user::Entity)
                    .if_not_exists()
                    .col(pk(user::Column::Id))
                    .col(ColumnDef::new(user::Column::Name).string().not_null())
                    .col(
                        ColumnDef::new(user::Column::Email)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .to_owned(),
            )
            .await?;
        for table in target_tables(None, Some(table::<user::Entity>(None))) {
            manager.create_table(table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["projects", "addresses", "profiles", "users"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The has-one target tables, in `schema` when given (the tenant copies of
/// the `schema` option). Each has its unique key inline and, when `users`
/// is given, a foreign key to it.
pub fn target_tables(
    schema: Option<&SchemaName>,
    users: Option<TableRef>,
) -> Vec<TableCreateStatement> {
    let prefix = schema.map(|s| format!("{s}_")).unwrap_or_default();
    let mut profiles = Table::create()
        .table(table::<profile::Entity>(schema))
        .if_not_exists()
        .col(pk(profile::Column::Id))
        .col(ColumnDef::new(profile::Column::UserId).integer().null())
        .col(ColumnDef::new(profile::Column::Bio).string().not_null())
        .col(
            ColumnDef::new(profile::Column::Visibility)
                .string_len(16)
                .not_null(),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_profiles_user_id"))
                .col(profile::Column::UserId)
                .unique(),
        )
        .to_owned();
    // (user_id, kind) leads with the foreign key, so it also serves as the
    // foreign key's index.
    let mut addresses = Table::create()
        .table(table::<address::Entity>(schema))
        .if_not_exists()
        .col(pk(address::Column::Id))
        .col(ColumnDef::new(address::Column::UserId).integer().null())
        .col(
            ColumnDef::new(address::Column::Kind)
                .string_len(16)
                .not_null(),
        )
        .col(ColumnDef::new(address::Column::Street).string().not_null())
        .col(ColumnDef::new(address::Column::City).string().not_null())
        .col(ColumnDef::new(address::Column::Country).string().not_null())
        .col(
            ColumnDef::new(address::Column::Verified)
                .boolean()
                .not_null()
                .default(false),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_addresses_user_id_kind"))
                .col(address::Column::UserId)
                .col(address::Column::Kind)
                .unique(),
        )
        .to_owned();
    let mut projects = Table::create()
        .table(table::<project::Entity>(schema))
        .if_not_exists()
        .col(pk(project::Column::Id))
        .col(ColumnDef::new(project::Column::OwnerId).integer().null())
        .col(ColumnDef::new(project::Column::Name).string().not_null())
        .col(
            ColumnDef::new(project::Column::Archived)
                .boolean()
                .not_null()
                .default(false),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_projects_owner_id"))
                .col(project::Column::OwnerId)
                .unique(),
        )
        .to_owned();
    if let Some(users) = users {
        profiles.foreign_key(&mut fk(
            &format!("{prefix}fk_profiles_user_id"),
            table::<profile::Entity>(schema),
            profile::Column::UserId,
            users.clone(),
        ));
        addresses.foreign_key(&mut fk(
            &format!("{prefix}fk_addresses_user_id"),
            table::<address::Entity>(schema),
            address::Column::UserId,
            users.clone(),
        ));
        projects.foreign_key(&mut fk(
            &format!("{prefix}fk_projects_owner_id"),
            table::<project::Entity>(schema),
            project::Column::OwnerId,
            users,
        ));
    }
    vec![profiles, addresses, projects]
}

pub(super) fn pk<C: IntoIden>(col: C) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A foreign key to `users.id`, `ON DELETE SET NULL`, `ON UPDATE CASCADE`.
fn fk<C: IntoIden>(
    name: &str,
    from: TableRef,
    col: C,
    users: TableRef,
) -> ForeignKeyCreateStatement {
    foreign_key(name, from, col, users, user::Column::Id, OnDelete::SetNull)
}

/// A foreign key with `on_delete` and `ON UPDATE CASCADE`.
pub(super) fn foreign_key<C: IntoIden, P: IntoIden>(
    name: &str,
    from: TableRef,
    col: C,
    to: TableRef,
    to_col: P,
    on_delete: OnDelete,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(to, to_col)
        .on_delete(on_delete.action())
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}
