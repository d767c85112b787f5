//! Ordered, named migrations under one [`Migrator`], and the tenant copies
//! of the target tables for the `schema` option.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use sea_orm_migration::prelude::*;

use crate::has_one::table;
use crate::tenancy::SchemaName;
use crate::user;

mod m20261125_000001_create_demo_tables;
mod m20261125_000002_add_user_handle_and_settings;

pub use m20261125_000001_create_demo_tables::target_tables;
pub use m20261125_000002_add_user_handle_and_settings::settings_table;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_demo_tables::Migration),
            Box::new(m20261125_000002_add_user_handle_and_settings::Migration),
        ]
    }
}

/// Creates `schema` (a PostgreSQL schema, a MySQL/MariaDB database; on
/// SQLite the file attached under that name at connect time) and the
/// target tables in it, if missing.
///
/// Tenant tables reference the main `users` table on PostgreSQL. SQLite has
/// no foreign keys across attached files, and SeaQuery cannot write a
/// cross-database reference for MySQL; there a deleted user leaves tenant
/// rows pointing at nothing (reads then find no user: `user` is null).
pub async fn create_tenant<C: ConnectionTrait>(db: &C, schema: &SchemaName) -> Result<(), DbErr> {
    // `schema` is an allowlisted identifier ([a-z_][a-z0-9_]*), so quoting
    // it is enough.
    let users = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .await?;
            Some(table::<user::Entity>(None))
        }
        DbBackend::MySql => {
            db.execute_unprepared(&format!("CREATE DATABASE IF NOT EXISTS `{schema}`"))
                .await?;
            None
        }
        _ => None,
    };
    let settings = settings_table(Some(schema), users.clone());
    for create in target_tables(Some(schema), users)
        .into_iter()
        .chain([settings])
    {
        db.execute(&create).await?;
    }
    Ok(())
}
