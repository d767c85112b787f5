//! SQLite: sea-schema's discovery for the tables (`PRAGMA`s on a local
//! file: a thousand tables take well under a second), and the views in one
//! query over `sqlite_master` and `pragma_table_xinfo`, their column types
//! parsed by sea-schema's SQLite type parser.

use sea_orm::sea_query::TableCreateStatement;
use sea_orm::sqlx::sqlite::{SqlitePoolOptions, SqliteRow};
use sea_orm::sqlx::{self, Row, SqlitePool};
use sea_schema::sqlite::def::{ColumnInfo, ColumnVisibility, DefaultType, TableDef, parse_type};
use sea_schema::sqlite::discovery::SchemaDiscovery;

use super::{Discovered, Relkind};
use crate::Error;

/// The columns of every view, in order.
const VIEW_COLUMNS: &str = "
SELECT m.name AS view, p.cid, p.name, p.type, p.\"notnull\", p.hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE m.type = 'view'
ORDER BY m.name, p.cid";

/// Every table and view of the database at `url`.
pub(super) async fn discover(url: &str) -> Result<Vec<Discovered>, Error> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect(url)
        .await?;
    let result = read(&pool).await;
    pool.close().await;
    result
}

/// [`discover`] on an open pool.
async fn read(pool: &SqlitePool) -> Result<Vec<Discovered>, Error> {
    let schema = SchemaDiscovery::new(pool.clone())
        .discover()
        .await
        .map_err(|e| Error::Discovery(e.to_string()))?
        .merge_indexes_into_table();
    let mut found: Vec<Discovered> = schema
        .tables
        .into_iter()
        .map(|table| Discovered {
            schema: None,
            kind: Relkind::Table,
            statement: table_statement(table),
        })
        .collect();
    let rows = sqlx::query(VIEW_COLUMNS).fetch_all(pool).await?;
    found.extend(views(&rows)?.into_iter().map(|statement| Discovered {
        schema: None,
        kind: Relkind::View,
        statement,
    }));
    Ok(found)
}

/// A table's statement, its generated columns, partial unique indexes and
/// indexes on expressions (sea-schema names an expression's column `""`)
/// left out.
fn table_statement(mut table: TableDef) -> TableCreateStatement {
    table.constraints.retain(|i| {
        let partial_unique = i.unique && i.partial != 0;
        let on_expression = i.columns.iter().any(String::is_empty);
        !partial_unique && !on_expression
    });
    table.columns.retain(|c| {
        !matches!(
            c.hidden,
            ColumnVisibility::GeneratedVirtual | ColumnVisibility::GeneratedStored
        )
    });
    table.write()
}

/// The views of [`VIEW_COLUMNS`]'s rows (ordered by view), each as a
/// table of its columns.
fn views(rows: &[SqliteRow]) -> Result<Vec<TableCreateStatement>, Error> {
    let mut views: Vec<TableDef> = Vec::new();
    for row in rows {
        let view: String = row.try_get("view")?;
        let column = view_column(row)?;
        match views.last_mut() {
            Some(last) if last.name == view => last.columns.push(column),
            _ => views.push(TableDef {
                name: view,
                columns: vec![column],
                ..TableDef::default()
            }),
        }
    }
    Ok(views.into_iter().map(table_statement).collect())
}

/// A view's column: its declared type (the column's it selects; an
/// expression's is empty) as sea-schema parses a table's, no default.
fn view_column(row: &SqliteRow) -> Result<ColumnInfo, Error> {
    let name: String = row.try_get("name")?;
    let declared: String = row
        .try_get::<Option<String>, _>("type")?
        .unwrap_or_default();
    let r#type = parse_type(declared)
        .map_err(|e| Error::Discovery(format!("the type of view column {name:?}: {e}")))?;
    Ok(ColumnInfo {
        cid: row.try_get("cid")?,
        name,
        r#type,
        not_null: row.try_get::<i64, _>("notnull")? != 0,
        default_value: DefaultType::Unspecified,
        primary_key: false,
        hidden: ColumnVisibility::from_hidden(row.try_get::<i8, _>("hidden")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_schema::sqlite::def::IndexInfo;

    fn unique(name: &str, columns: &[&str], partial: i64) -> IndexInfo {
        IndexInfo {
            r#type: "index".to_owned(),
            index_name: name.to_owned(),
            table_name: "t".to_owned(),
            unique: true,
            origin: "c".to_owned(),
            partial,
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn partial_and_expression_indexes_are_left_out() {
        let table = TableDef {
            name: "t".to_owned(),
            constraints: vec![
                unique("plain", &["a"], 0),
                unique("partial", &["b"], 1),
                unique("expression", &["c", ""], 0),
            ],
            ..TableDef::default()
        };
        let names: Vec<Option<String>> = table_statement(table)
            .get_indexes()
            .iter()
            .map(|i| i.get_index_spec().get_name().map(str::to_owned))
            .collect();
        assert_eq!(names, vec![Some("plain".to_owned())]);
    }
}
