//! Reads the live database: one `TableCreateStatement` per table, view,
//! materialized view and partitioned table, as sea-schema (what
//! `sea-orm-cli generate entity` uses) writes them: generated columns left
//! out (they cannot be written), partial unique indexes left out (they do
//! not make a column unique).
//!
//! A few catalog queries for the whole database, never some per table:
//!
//! - PostgreSQL (`discover/postgres.rs`): `pg_catalog`, every schema asked for at
//!   once, rows parsed and written by sea-schema;
//! - MySQL and MariaDB (`discover/mysql.rs`): `information_schema`, every table at
//!   once, rows parsed and written by sea-schema;
//! - SQLite (`discover/sqlite.rs`): sea-schema's discovery (`PRAGMA`s of a local
//!   file), and the views.

mod mysql;
mod postgres;
mod sqlite;

use sea_orm::sea_query::TableCreateStatement;

use crate::Error;

/// The backend a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://`
    Sqlite,
    /// `postgres://`, `postgresql://`
    Postgres,
    /// `mysql://` (MySQL and MariaDB)
    Mysql,
}

impl Backend {
    /// The backend of `url`.
    pub fn of(url: &str) -> Result<Backend, Error> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            Some("mysql" | "mariadb") => Ok(Backend::Mysql),
            _ => Err(Error::Input(format!(
                "the database URL must start with sqlite://, postgres:// or mysql:// (got {:?})",
                redact(url)
            ))),
        }
    }
}

/// `url` without its password, for messages and generated files.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}@{host}{path}")
            } else {
                url.to_owned()
            }
        }
        None => url.to_owned(),
    }
}

/// The database a MySQL URL names (its path).
fn database_name(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let path = &rest[rest.find('/')? + 1..];
    let name = path.split(['?', '#']).next().unwrap_or_default();
    (!name.is_empty()).then_some(name)
}

/// What kind of relation a discovered table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relkind {
    /// A table (rows can be written).
    Table,
    /// A partitioned table's parent (its partitions are not listed).
    Partitioned,
    /// A view.
    View,
    /// A materialized view (PostgreSQL).
    MaterializedView,
}

/// One discovered table or view.
#[derive(Clone, Debug)]
pub struct Discovered {
    /// The database schema it is in (PostgreSQL), `None` elsewhere.
    pub schema: Option<String>,
    /// What kind of relation it is.
    pub kind: Relkind,
    /// Its columns, keys and indexes as a create statement (a view: its
    /// columns only); the table name without the schema.
    pub statement: TableCreateStatement,
}

/// Which PostgreSQL schemas to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schemas {
    /// These (`--database-schema a,b`).
    Named(Vec<String>),
    /// Every schema but the system's (`--all-schemas`).
    All,
}

/// Every table, partitioned table, view and materialized view of the
/// database (PostgreSQL: of `schemas`), ordered by schema and name.
pub async fn tables(url: &str, schemas: &Schemas) -> Result<Vec<Discovered>, Error> {
    let mut found = match Backend::of(url)? {
        Backend::Postgres => postgres::discover(url, schemas).await?,
        Backend::Mysql => {
            let database = database_name(url).ok_or_else(|| {
                Error::Input("a MySQL/MariaDB URL must name its database".to_owned())
            })?;
            mysql::discover(url, database).await?
        }
        Backend::Sqlite => sqlite::discover(url).await?,
    };
    found.sort_by(|a, b| order(a).cmp(&order(b)));
    Ok(found)
}

/// What discovered relations are ordered by: schema, then name.
fn order(discovered: &Discovered) -> (Option<&str>, String) {
    (discovered.schema.as_deref(), name_of(&discovered.statement))
}

/// The table name of a statement.
pub(crate) fn name_of(statement: &TableCreateStatement) -> String {
    statement
        .get_table_name()
        .map(|n| n.sea_orm_table().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_leave_the_url() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/shop?sslmode=require"),
            "postgres://app@db:5432/shop?sslmode=require"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(
            redact("sqlite://shop.db?mode=rwc"),
            "sqlite://shop.db?mode=rwc"
        );
    }

    #[test]
    fn relations_sort_by_schema_then_name() {
        use sea_orm::sea_query::{Alias, Table};
        let relation = |schema: Option<&str>, name: &str| Discovered {
            schema: schema.map(str::to_owned),
            kind: Relkind::Table,
            statement: Table::create().table(Alias::new(name)).to_owned(),
        };
        let mut found = [
            relation(Some("public"), "a"),
            relation(Some("billing"), "b"),
            relation(Some("billing"), "B"),
            relation(Some("public"), "A"),
        ];
        found.sort_by(|a, b| order(a).cmp(&order(b)));
        let sorted: Vec<(Option<&str>, String)> = found.iter().map(order).collect();
        assert_eq!(
            sorted,
            vec![
                (Some("billing"), "B".to_owned()),
                (Some("billing"), "b".to_owned()),
                (Some("public"), "A".to_owned()),
                (Some("public"), "a".to_owned()),
            ]
        );
    }

    #[test]
    fn mysql_urls_name_their_database() {
        assert_eq!(database_name("mysql://root@h:3306/shop?x=1"), Some("shop"));
        assert_eq!(database_name("mysql://root@h:3306/"), None);
        assert_eq!(database_name("mysql://root@h:3306"), None);
    }
}
