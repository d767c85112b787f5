//! Reads the live database with sea-schema, as `sea-orm-cli generate
//! entity` does: one `TableCreateStatement` per table, generated columns
//! left out (they cannot be written), PostgreSQL's partial unique indexes
//! left out (they do not make a column unique).

use sea_orm::sea_query::TableCreateStatement;
use sea_orm::sqlx::{MySqlPool, PgPool, SqlitePool};

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

/// Every table of the database (PostgreSQL: of `schema`), as create
/// statements, ordered by name.
pub async fn tables(url: &str, schema: &str) -> Result<Vec<TableCreateStatement>, Error> {
    let mut tables: Vec<TableCreateStatement> = match Backend::of(url)? {
        Backend::Sqlite => {
            use sea_schema::sqlite::def::ColumnVisibility;
            use sea_schema::sqlite::discovery::SchemaDiscovery;
            let pool = SqlitePool::connect(url).await?;
            let schema = SchemaDiscovery::new(pool.clone())
                .discover()
                .await
                .map_err(|e| Error::Discovery(e.to_string()))?
                .merge_indexes_into_table();
            pool.close().await;
            schema
                .tables
                .into_iter()
                .map(|mut table| {
                    table.columns.retain(|c| {
                        !matches!(
                            c.hidden,
                            ColumnVisibility::GeneratedVirtual | ColumnVisibility::GeneratedStored
                        )
                    });
                    table.write()
                })
                .collect()
        }
        Backend::Postgres => {
            use sea_schema::postgres::discovery::SchemaDiscovery;
            let pool = PgPool::connect(url).await?;
            let discovered = SchemaDiscovery::new(pool.clone(), schema)
                .discover()
                .await
                .map_err(|e| Error::Discovery(e.to_string()))?;
            pool.close().await;
            discovered
                .tables
                .into_iter()
                .map(|mut table| {
                    table.columns.retain(|c| c.generated.is_none());
                    table.unique_constraints.retain(|u| !u.is_partial);
                    table.write()
                })
                .collect()
        }
        Backend::Mysql => {
            use sea_schema::mysql::discovery::SchemaDiscovery;
            let database = database_name(url).ok_or_else(|| {
                Error::Input("a MySQL/MariaDB URL must name its database".to_owned())
            })?;
            let pool = MySqlPool::connect(url).await?;
            let discovered = SchemaDiscovery::new(pool.clone(), database)
                .discover()
                .await
                .map_err(|e| Error::Discovery(e.to_string()))?;
            pool.close().await;
            discovered
                .tables
                .into_iter()
                .map(|mut table| {
                    table.columns.retain(|c| !c.extra.generated);
                    table.write()
                })
                .collect()
        }
    };
    tables.sort_by_key(|t| {
        t.get_table_name()
            .map(|n| n.sea_orm_table().to_string())
            .unwrap_or_default()
    });
    Ok(tables)
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
    fn mysql_urls_name_their_database() {
        assert_eq!(database_name("mysql://root@h:3306/shop?x=1"), Some("shop"));
        assert_eq!(database_name("mysql://root@h:3306/"), None);
        assert_eq!(database_name("mysql://root@h:3306"), None);
    }
}
