//! The demo domain: `users` and the three has-one targets.
//!
//! Every foreign key is nullable with `ON DELETE SET NULL` and
//! `ON UPDATE CASCADE` (Sequelize's `hasOne` defaults) and has an index;
//! a unique index keeps at most one target per source and association.
//! History: this spells out the tables as they were created, it does not
//! read today's entities.

use hasone::tenancy::SchemaName;
use sea_orm::sea_query::{Alias, TableRef};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_create_demo_tables"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Name,
    Email,
}

#[derive(DeriveIden)]
enum Profiles {
    Table,
    Id,
    UserId,
    Bio,
    Visibility,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    UserId,
    Kind,
    Street,
    City,
    Country,
    Verified,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    OwnerId,
    Name,
    Archived,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(pk(Users::Id))
                    .col(ColumnDef::new(Users::Name).string().not_null())
                    .col(
                        ColumnDef::new(Users::Email)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .to_owned(),
            )
            .await?;
        for table in target_tables(None, Some(Users::Table.into_table_ref())) {
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

/// A table of this migration, in `schema` when given.
fn table(name: impl IntoIden, schema: Option<&SchemaName>) -> TableRef {
    match schema {
        Some(schema) => (Alias::new(schema.as_str()), name.into_iden()).into_table_ref(),
        None => name.into_table_ref(),
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
        .table(table(Profiles::Table, schema))
        .if_not_exists()
        .col(pk(Profiles::Id))
        .col(ColumnDef::new(Profiles::UserId).integer().null())
        .col(ColumnDef::new(Profiles::Bio).string().not_null())
        .col(
            ColumnDef::new(Profiles::Visibility)
                .string_len(16)
                .not_null(),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_profiles_user_id"))
                .col(Profiles::UserId)
                .unique(),
        )
        .to_owned();
    // (user_id, kind) leads with the foreign key, so it also serves as the
    // foreign key's index.
    let mut addresses = Table::create()
        .table(table(Addresses::Table, schema))
        .if_not_exists()
        .col(pk(Addresses::Id))
        .col(ColumnDef::new(Addresses::UserId).integer().null())
        .col(ColumnDef::new(Addresses::Kind).string_len(16).not_null())
        .col(ColumnDef::new(Addresses::Street).string().not_null())
        .col(ColumnDef::new(Addresses::City).string().not_null())
        .col(ColumnDef::new(Addresses::Country).string().not_null())
        .col(
            ColumnDef::new(Addresses::Verified)
                .boolean()
                .not_null()
                .default(false),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_addresses_user_id_kind"))
                .col(Addresses::UserId)
                .col(Addresses::Kind)
                .unique(),
        )
        .to_owned();
    let mut projects = Table::create()
        .table(table(Projects::Table, schema))
        .if_not_exists()
        .col(pk(Projects::Id))
        .col(ColumnDef::new(Projects::OwnerId).integer().null())
        .col(ColumnDef::new(Projects::Name).string().not_null())
        .col(
            ColumnDef::new(Projects::Archived)
                .boolean()
                .not_null()
                .default(false),
        )
        .index(
            Index::create()
                .name(format!("{prefix}ux_projects_owner_id"))
                .col(Projects::OwnerId)
                .unique(),
        )
        .to_owned();
    if let Some(users) = users {
        for (create, from, column, name) in [
            (
                &mut profiles,
                table(Profiles::Table, schema),
                Profiles::UserId.into_iden(),
                "fk_profiles_user_id",
            ),
            (
                &mut addresses,
                table(Addresses::Table, schema),
                Addresses::UserId.into_iden(),
                "fk_addresses_user_id",
            ),
            (
                &mut projects,
                table(Projects::Table, schema),
                Projects::OwnerId.into_iden(),
                "fk_projects_owner_id",
            ),
        ] {
            create.foreign_key(&mut foreign_key(
                &format!("{prefix}{name}"),
                from,
                column,
                users.clone(),
                Users::Id,
                ForeignKeyAction::SetNull,
            ));
        }
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

/// A foreign key with `on_delete` and `ON UPDATE CASCADE`.
pub(super) fn foreign_key<C: IntoIden, P: IntoIden>(
    name: &str,
    from: TableRef,
    col: C,
    to: TableRef,
    to_col: P,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(to, to_col)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}
