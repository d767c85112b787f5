//! Ordered, named migrations under one [`Migrator`], and the tenant copies
//! of the target tables for the `schema` option.

use hasone::tenancy::{Allowlist, SchemaName};
use sea_orm::sea_query::Alias;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::prelude::*;

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
/// Tenant tables reference the main `users` table on PostgreSQL and
/// MariaDB (InnoDB takes foreign keys across databases; SeaQuery cannot
/// write them, so they are added here in SQL). SQLite has no foreign keys
/// across attached files: there hasone applies `ON DELETE` and
/// `ON UPDATE CASCADE` itself, in the transaction that deletes the user or
/// changes its handle (`has_one::TenantCascade`).
pub async fn create_tenant<C: ConnectionTrait>(db: &C, schema: &SchemaName) -> Result<(), DbErr> {
    // `schema` is an allowlisted identifier ([a-z_][a-z0-9_]*), so quoting
    // it is enough.
    let users = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .await?;
            Some(Alias::new("users").into_table_ref())
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
    if db.get_database_backend() == DbBackend::MySql {
        add_mysql_tenant_foreign_keys(db, schema).await?;
    }
    Ok(())
}

/// The foreign keys of a tenant database's tables to the main database's
/// `users`, as the main tables have them; each added once.
async fn add_mysql_tenant_foreign_keys<C: ConnectionTrait>(
    db: &C,
    schema: &SchemaName,
) -> Result<(), DbErr> {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        name: String,
    }
    let main = Row::find_by_statement(Statement::from_string(
        DbBackend::MySql,
        "SELECT DATABASE() AS name",
    ))
    .one(db)
    .await?
    .map(|r| r.name)
    .ok_or_else(|| DbErr::Custom("no current database".into()))?;
    let existing: Vec<String> = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::MySql,
        "SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = ?",
        [schema.as_str().into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| r.name)
    .collect();
    let keys = [
        ("profiles", "user_id", "id", "SET NULL"),
        ("addresses", "user_id", "id", "SET NULL"),
        ("projects", "owner_id", "id", "SET NULL"),
        ("settings", "user_handle", "handle", "CASCADE"),
    ];
    for (table, column, to, on_delete) in keys {
        let name = format!("fk_{table}_{column}");
        if existing.contains(&name) {
            continue;
        }
        // Names are constants and allowlisted identifiers; `main` comes
        // from the server and is quoted.
        db.execute_unprepared(&format!(
            "ALTER TABLE `{schema}`.`{table}` ADD CONSTRAINT `{name}` FOREIGN KEY (`{column}`) \
             REFERENCES `{main}`.`users` (`{to}`) ON DELETE {on_delete} ON UPDATE CASCADE",
            main = main.replace('`', "``"),
        ))
        .await?;
    }
    Ok(())
}

/// Applies pending migrations, then creates every allowlisted schema with
/// its target tables.
pub async fn migrate(db: &DatabaseConnection, allowlist: &Allowlist) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    for schema in allowlist.names() {
        create_tenant(db, schema).await?;
    }
    Ok(())
}
