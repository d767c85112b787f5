//! MySQL and MariaDB: `information_schema` of the URL's database read in
//! six queries whatever the number of tables (sea-schema runs three per
//! table). The queries are sea-schema's own (its table query as is; its
//! column, index and foreign key queries without their one-table filter,
//! ordered by table first), and each table's rows go through sea-schema's
//! parsers and writer: a table's statement is the one sea-schema's
//! `SchemaDiscovery` gives. Views: their columns, parsed the same way.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, IntoIden, Table, TableCreateStatement};
use sea_orm::sqlx::mysql::MySqlRow;
use sea_orm::sqlx::{self, AssertSqlSafe, Connection, MySqlConnection, Row};
use sea_schema::mysql::def::{ColumnInfo, SystemInfo, TableDef};
use sea_schema::mysql::parser::{parse_foreign_key_query_results, parse_index_query_results};
use sea_schema::mysql::query::{
    ColumnQueryResult, ForeignKeyQueryResult, IndexQueryResult, SchemaQueryBuilder,
    TableQueryResult, VersionQueryResult,
};
use sea_schema::sea_query::MysqlQueryBuilder;
use sea_schema::sqlx_types::SqlxRow;

use super::{Discovered, Relkind};
use crate::Error;

/// The views of the database `?`.
const VIEWS: &str = "
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW'";

/// sea-schema's column query for every table and view of `?`, the table
/// last; `generation` stands for `GENERATION_EXPRESSION` (MySQL 5.7 and
/// later) or `NULL`, as sea-schema asks.
fn columns_query(generation: &str) -> String {
    format!(
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA,
  {generation}, COLUMN_COMMENT, TABLE_NAME
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, ORDINAL_POSITION"
    )
}

/// sea-schema's index query for every table of `?`, the table last;
/// `expression` stands for `EXPRESSION` (MySQL 8.0.13 and later) or
/// `NULL`.
fn indexes_query(expression: &str) -> String {
    format!(
        "SELECT NON_UNIQUE, INDEX_NAME, COLUMN_NAME, COLLATION, SUB_PART, NULLABLE, INDEX_TYPE,
  INDEX_COMMENT, {expression}, TABLE_NAME
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    )
}

/// sea-schema's foreign key query for every table of `?`, the table last.
const FOREIGN_KEYS: &str = "
SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
  r.UPDATE_RULE, r.DELETE_RULE, k.TABLE_NAME
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME
  AND k.TABLE_NAME = r.TABLE_NAME
WHERE k.CONSTRAINT_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
  AND k.REFERENCED_COLUMN_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// Every table and view of `database` at `url`.
pub(super) async fn discover(url: &str, database: &str) -> Result<Vec<Discovered>, Error> {
    let mut conn = MySqlConnection::connect(url).await?;
    let result = read(&mut conn, database).await;
    conn.close().await?;
    result
}

/// [`discover`] on an open connection.
async fn read(conn: &mut MySqlConnection, database: &str) -> Result<Vec<Discovered>, Error> {
    let system = system(conn).await?;
    let query = SchemaQueryBuilder::new(system.clone());
    let generation = if system.is_mysql() && system.version >= 50700 {
        "GENERATION_EXPRESSION"
    } else {
        "NULL"
    };
    let expression = if system.is_mysql() && system.version >= 80013 {
        "EXPRESSION"
    } else {
        "NULL"
    };
    let tables_sql = query
        .query_tables(Alias::new(database).into_iden())
        .to_string(MysqlQueryBuilder);
    let tables = raw(conn, &tables_sql).await?;
    let views = sqlx::query(VIEWS)
        .bind(database)
        .fetch_all(&mut *conn)
        .await?;
    let mut columns = by_table(rows(conn, &columns_query(generation), database).await?, 8)?;
    let mut indexes = by_table(rows(conn, &indexes_query(expression), database).await?, 9)?;
    let mut keys = by_table(rows(conn, FOREIGN_KEYS, database).await?, 6)?;

    let mut found = Vec::new();
    for row in tables {
        let info = TableQueryResult::from(SqlxRow::MySql(row)).parse();
        let table = TableDef {
            columns: parse_columns(columns.remove(&info.name), &system),
            indexes: parse_index_query_results(Box::new(
                take(&mut indexes, &info.name).map(IndexQueryResult::from),
            ))
            .collect(),
            foreign_keys: parse_foreign_key_query_results(Box::new(
                take(&mut keys, &info.name).map(ForeignKeyQueryResult::from),
            ))
            .collect(),
            info,
        };
        found.push(Discovered {
            schema: None,
            kind: Relkind::Table,
            statement: table_statement(table),
        });
    }
    for row in views {
        let name = text(&row, 0)?;
        let columns = parse_columns(columns.remove(&name), &system);
        found.push(Discovered {
            schema: None,
            kind: Relkind::View,
            statement: view_statement(&name, &columns),
        });
    }
    Ok(found)
}

/// The server's version, as sea-schema reads it.
async fn system(conn: &mut MySqlConnection) -> Result<SystemInfo, Error> {
    let row = sqlx::query("SELECT VERSION()").fetch_one(conn).await?;
    Ok(VersionQueryResult {
        version: text(&row, 0)?,
    }
    .parse())
}

/// The rows of a statement sea-schema built (its values inlined and
/// escaped by sea-query).
async fn raw(conn: &mut MySqlConnection, sql: &str) -> Result<Vec<MySqlRow>, Error> {
    Ok(sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_all(conn)
        .await?)
}

/// The rows of `sql` (built from constants) for `database`.
async fn rows(
    conn: &mut MySqlConnection,
    sql: &str,
    database: &str,
) -> Result<Vec<MySqlRow>, Error> {
    Ok(sqlx::query(AssertSqlSafe(sql.to_owned()))
        .bind(database)
        .fetch_all(conn)
        .await?)
}

/// A text column (`information_schema` answers some as binary strings;
/// sea-schema reads them as bytes too).
fn text(row: &MySqlRow, index: usize) -> Result<String, Error> {
    String::from_utf8(row.try_get::<Vec<u8>, _>(index)?)
        .map_err(|e| Error::Discovery(format!("a name that is not UTF-8: {e}")))
}

/// `rows` grouped by the table name in column `table`, in their order.
fn by_table(rows: Vec<MySqlRow>, table: usize) -> Result<BTreeMap<String, Vec<MySqlRow>>, Error> {
    let mut grouped: BTreeMap<String, Vec<MySqlRow>> = BTreeMap::new();
    for row in rows {
        grouped.entry(text(&row, table)?).or_default().push(row);
    }
    Ok(grouped)
}

/// The rows of `table`, as sea-schema's rows.
fn take(
    grouped: &mut BTreeMap<String, Vec<MySqlRow>>,
    table: &str,
) -> impl Iterator<Item = SqlxRow> + use<> {
    grouped
        .remove(table)
        .unwrap_or_default()
        .into_iter()
        .map(SqlxRow::MySql)
}

/// Column rows parsed by sea-schema.
fn parse_columns(rows: Option<Vec<MySqlRow>>, system: &SystemInfo) -> Vec<ColumnInfo> {
    rows.unwrap_or_default()
        .into_iter()
        .map(|row| ColumnQueryResult::from(SqlxRow::MySql(row)).parse(system))
        .collect()
}

/// A table's statement, its generated columns left out.
fn table_statement(mut table: TableDef) -> TableCreateStatement {
    table.columns.retain(|c| !c.extra.generated);
    table.write()
}

/// A view's statement: its columns, no keys, no table options.
fn view_statement(name: &str, columns: &[ColumnInfo]) -> TableCreateStatement {
    let mut statement = Table::create();
    statement.table(Alias::new(name));
    for column in columns.iter().filter(|c| !c.extra.generated) {
        statement.col(column.write());
    }
    statement
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{ColumnType, MysqlQueryBuilder as Builder};
    use sea_schema::mysql::def::{ColumnExtra, ColumnKey, NumericAttr, StringAttr, Type};

    #[test]
    fn a_view_is_its_columns() {
        let column = |name: &str, col_type: Type, null: bool| ColumnInfo {
            name: name.to_owned(),
            col_type,
            null,
            key: ColumnKey::NotKey,
            default: None,
            extra: ColumnExtra::default(),
            expression: None,
            comment: String::new(),
        };
        let statement = view_statement(
            "v",
            &[
                column("id", Type::Int(NumericAttr::default()), false),
                column("name", Type::Varchar(StringAttr::default()), true),
            ],
        );
        let columns = statement.get_columns();
        assert_eq!(columns.len(), 2);
        assert_eq!(columns[0].get_column_type(), Some(&ColumnType::Integer));
        assert!(statement.get_indexes().is_empty());
        assert!(statement.get_foreign_key_create_stmts().is_empty());
        let sql = statement.to_string(Builder);
        assert!(
            sql.starts_with("CREATE TABLE `v` ( `id` int NOT NULL, `name` varchar"),
            "{sql}"
        );
        assert!(!sql.contains("ENGINE"), "{sql}");
    }

    #[test]
    fn sea_schema_reads_every_table_and_its_own_filters() {
        assert!(columns_query("NULL").contains("ORDER BY TABLE_NAME, ORDINAL_POSITION"));
        assert!(indexes_query("EXPRESSION").contains("INDEX_COMMENT, EXPRESSION, TABLE_NAME"));
        let system = VersionQueryResult {
            version: "10.11.6-MariaDB-0+deb12u1".to_owned(),
        }
        .parse();
        assert!(system.is_maria_db());
        let sql = SchemaQueryBuilder::new(system)
            .query_tables(Alias::new("shop").into_iden())
            .to_string(MysqlQueryBuilder);
        assert!(sql.contains("`table_schema` = 'shop'"), "{sql}");
    }
}
