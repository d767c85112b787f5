//! PostgreSQL: the catalog (`pg_catalog`) of every schema read at once, in
//! five queries whatever the number of tables (sea-schema runs three
//! `information_schema` queries per table, and its constraint query takes
//! seconds per table on a big catalog).
//!
//! The rows are what sea-schema reads from `information_schema`, computed
//! the way PostgreSQL's `information_schema.columns` computes them, and
//! sea-schema's own parser and writer turn them into statements: a base
//! table's statement is the one sea-schema's `SchemaDiscovery` gives (the
//! integration test compares them), with these differences, on purpose:
//!
//! - a foreign key to a table of another schema names that schema;
//! - an enum type of any schema is an enum (sea-schema: only the table's
//!   schema's, and it fails on a type outside the `search_path`);
//! - a unique index counts its key columns only (sea-schema adds
//!   `INCLUDE` columns), and a unique index on expressions is left out
//!   (sea-schema keeps its plain columns, which are not unique alone);
//! - partitions are left out by `relispartition` (sea-schema: by name,
//!   with any table inheriting from another).

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{Alias, TableCreateStatement};
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::sqlx::{self, Connection, PgConnection, Row};
use sea_schema::postgres::def::{
    ForeignKeyAction, PrimaryKey, References, TableDef, TableInfo, Unique,
};
use sea_schema::postgres::query::ColumnQueryResult;

use super::{Discovered, Relkind, Schemas};
use crate::Error;

/// The schemas `schemas` names, or every schema but the system's.
const SCHEMAS: &str = "
SELECT nspname::text FROM pg_namespace
WHERE CASE WHEN $1 THEN nspname NOT IN ('pg_catalog', 'information_schema')
                        AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
           ELSE nspname = ANY($2) END
ORDER BY nspname";

/// `$sql` after `rel`, the relations read: tables, partitioned tables
/// (not their partitions), views and materialized views of the schemas
/// `$1`.
macro_rules! with_relations {
    ($sql:literal) => {
        concat!(
            "WITH rel AS (
  SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
)",
            $sql
        )
    };
}

/// The relations: id, schema, name, kind.
const RELATIONS: &str = with_relations!(" SELECT oid::int8, schema, name, kind FROM rel");

/// Every column of the relations, as `information_schema.columns` gives
/// them (its expressions, without its privilege filter, which also leaves
/// materialized views out), plus the values of the column's enum type.
/// `udt_regtype` stands for sea-schema's `'"' || udt_name || '"'::regtype`
/// (only read for arrays): the array type as `format_type` names it, an
/// array of enums by its element's plain name (the cast fails on a type
/// outside the `search_path`).
const COLUMNS: &str = with_relations!(
    "
SELECT a.attrelid::int8 AS rel,
  a.attname::text AS name,
  CASE WHEN t.typtype = 'd' THEN
    CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN 'ARRAY'
         WHEN nbt.nspname = 'pg_catalog' THEN format_type(t.typbasetype, NULL)
         ELSE 'USER-DEFINED' END
  ELSE
    CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY'
         WHEN nt.nspname = 'pg_catalog' THEN format_type(a.atttypid, NULL)
         ELSE 'USER-DEFINED' END
  END AS data_type,
  CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS column_default,
  CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generation_expression,
  CASE WHEN a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) THEN 'NO' ELSE 'YES' END AS is_nullable,
  CASE WHEN a.attidentity IN ('a', 'd') THEN 'YES' ELSE 'NO' END AS is_identity,
  information_schema._pg_numeric_precision(tt.id, tt.mod)::int4 AS numeric_precision,
  information_schema._pg_numeric_precision_radix(tt.id, tt.mod)::int4 AS numeric_precision_radix,
  information_schema._pg_numeric_scale(tt.id, tt.mod)::int4 AS numeric_scale,
  information_schema._pg_char_max_length(tt.id, tt.mod)::int4 AS character_maximum_length,
  information_schema._pg_char_octet_length(tt.id, tt.mod)::int4 AS character_octet_length,
  information_schema._pg_datetime_precision(tt.id, tt.mod)::int4 AS datetime_precision,
  information_schema._pg_interval_type(tt.id, tt.mod)::text AS interval_type,
  ut.typname::text AS udt_name,
  CASE WHEN et.typtype = 'e' THEN et.typname || '[]' ELSE format_type(ut.oid, NULL) END AS udt_regtype,
  (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
   WHERE e.enumtypid = CASE WHEN ut.typtype = 'e' THEN ut.oid ELSE et.oid END) AS enum_values
FROM rel
JOIN pg_attribute a ON a.attrelid = rel.oid
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace nt ON nt.oid = t.typnamespace
LEFT JOIN (pg_type bt JOIN pg_namespace nbt ON nbt.oid = bt.typnamespace)
  ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
CROSS JOIN LATERAL (SELECT
    CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END AS id,
    CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS mod) tt
JOIN pg_type ut ON ut.oid = COALESCE(bt.oid, t.oid)
LEFT JOIN pg_type et ON et.oid = ut.typelem AND ut.typlen = -1
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum"
);

/// The primary keys and foreign keys of the tables (not views), columns
/// in key order; the foreign keys a partitioned table's key adds for each
/// partition it references (`conparentid`) and those to a partition are
/// left out.
const KEYS: &str = with_relations!(
    "
SELECT con.conrelid::int8 AS rel, con.contype::text AS type, con.conname::text AS name,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
  rn.nspname::text AS ref_schema, rc.relname::text AS ref_table,
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
  con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete
FROM rel
JOIN pg_constraint con ON con.conrelid = rel.oid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE rel.kind IN ('r', 'p') AND con.contype IN ('p', 'f') AND con.conparentid = 0
  AND (con.contype = 'p' OR NOT rc.relispartition)
ORDER BY con.conrelid, con.conname"
);

/// The unique indexes of the tables but their primary keys (unique
/// constraints are such indexes too), key columns in order, whether
/// partial; in the order of their ids, as sea-schema lists them. An index
/// on expressions is left out.
const UNIQUE_INDEXES: &str = with_relations!(
    "
SELECT i.indrelid::int8 AS rel, ic.relname::text AS name,
  ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
        WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
  i.indpred IS NOT NULL AS partial
FROM rel
JOIN pg_index i ON i.indrelid = rel.oid
JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE rel.kind IN ('r', 'p') AND i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL
ORDER BY i.indrelid, i.indexrelid"
);

/// One relation as read, before its statement is written.
struct Relation {
    schema: String,
    kind: Relkind,
    def: TableDef,
    /// Foreign keys and the schema of the table each references.
    references: Vec<(References, String)>,
}

/// Every table, partitioned table, view and materialized view of
/// `schemas`, read in one read-only transaction (one snapshot: a table
/// created meanwhile is in every query's rows or in none).
pub(super) async fn discover(url: &str, schemas: &Schemas) -> Result<Vec<Discovered>, Error> {
    let mut conn = PgConnection::connect(url).await?;
    let mut snapshot = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let result = read(&mut snapshot, schemas).await;
    snapshot.rollback().await?;
    conn.close().await?;
    result
}

/// [`discover`] on an open connection.
async fn read(conn: &mut PgConnection, schemas: &Schemas) -> Result<Vec<Discovered>, Error> {
    let names = schema_names(conn, schemas).await?;
    let mut relations = BTreeMap::new();
    for row in fetch(conn, RELATIONS, &names).await? {
        let (id, relation) = relation(&row)?;
        relations.insert(id, relation);
    }
    for row in fetch(conn, COLUMNS, &names).await? {
        let (id, column) = column(&row)?;
        if let Some(relation) = relations.get_mut(&id) {
            relation.def.columns.push(column);
        }
    }
    for row in fetch(conn, KEYS, &names).await? {
        if let Some(relation) = relations.get_mut(&row.try_get::<i64, _>("rel")?) {
            add_key(relation, &row)?;
        }
    }
    for row in fetch(conn, UNIQUE_INDEXES, &names).await? {
        if let Some(relation) = relations.get_mut(&row.try_get::<i64, _>("rel")?) {
            add_unique_index(relation, &row)?;
        }
    }
    Ok(relations.into_values().map(Relation::write).collect())
}

/// The names of the schemas to read.
async fn schema_names(conn: &mut PgConnection, schemas: &Schemas) -> Result<Vec<String>, Error> {
    let (all, named) = match schemas {
        Schemas::All => (true, Vec::new()),
        Schemas::Named(names) if names.is_empty() => (false, vec!["public".to_owned()]),
        Schemas::Named(names) => (false, names.clone()),
    };
    let rows = sqlx::query(SCHEMAS)
        .bind(all)
        .bind(named)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0).map_err(Error::from))
        .collect()
}

/// The rows of `sql` for the schemas `names`.
async fn fetch(
    conn: &mut PgConnection,
    sql: &'static str,
    names: &[String],
) -> Result<Vec<PgRow>, Error> {
    Ok(sqlx::query(sql).bind(names).fetch_all(conn).await?)
}

/// A row of [`RELATIONS`].
fn relation(row: &PgRow) -> Result<(i64, Relation), Error> {
    let kind: String = row.try_get("kind")?;
    let name: String = row.try_get("name")?;
    let relation = Relation {
        schema: row.try_get("schema")?,
        kind: relkind(&kind)?,
        def: TableDef {
            info: TableInfo {
                name,
                of_type: None,
            },
            columns: Vec::new(),
            check_constraints: Vec::new(),
            not_null_constraints: Vec::new(),
            unique_constraints: Vec::new(),
            primary_key_constraints: Vec::new(),
            reference_constraints: Vec::new(),
            exclusion_constraints: Vec::new(),
        },
        references: Vec::new(),
    };
    Ok((row.try_get("oid")?, relation))
}

/// The kind of a `pg_class.relkind`.
fn relkind(kind: &str) -> Result<Relkind, Error> {
    match kind {
        "r" => Ok(Relkind::Table),
        "p" => Ok(Relkind::Partitioned),
        "v" => Ok(Relkind::View),
        "m" => Ok(Relkind::MaterializedView),
        other => Err(Error::Discovery(format!("unexpected relkind {other:?}"))),
    }
}

/// A row of [`COLUMNS`]: its relation and the column as sea-schema
/// parses it.
fn column(row: &PgRow) -> Result<(i64, sea_schema::postgres::def::ColumnInfo), Error> {
    let result = ColumnQueryResult {
        column_name: row.try_get("name")?,
        column_type: row.try_get("data_type")?,
        column_default: row.try_get("column_default")?,
        column_generated: row.try_get("generation_expression")?,
        is_nullable: row.try_get("is_nullable")?,
        is_identity: row.try_get("is_identity")?,
        numeric_precision: row.try_get("numeric_precision")?,
        numeric_precision_radix: row.try_get("numeric_precision_radix")?,
        numeric_scale: row.try_get("numeric_scale")?,
        character_maximum_length: row.try_get("character_maximum_length")?,
        character_octet_length: row.try_get("character_octet_length")?,
        datetime_precision: row.try_get("datetime_precision")?,
        interval_type: row.try_get("interval_type")?,
        interval_precision: None,
        udt_name: row.try_get("udt_name")?,
        udt_name_regtype: row.try_get("udt_regtype")?,
    };
    let enums = enum_of(
        result.udt_name.as_deref(),
        result.udt_name_regtype.as_deref(),
        row.try_get("enum_values")?,
    );
    let mut info = result.parse(&enums);
    // sea-schema writes `time with time zone` as `time`, which sqlx
    // cannot read into the `NaiveTime` sea-orm-codegen writes for it: a
    // type of its own, read as text.
    if matches!(
        info.col_type,
        sea_schema::postgres::def::Type::TimeWithTimeZone(_)
    ) {
        info.col_type = sea_schema::postgres::def::Type::Unknown("timetz".to_owned());
    }
    Ok((row.try_get("rel")?, info))
}

/// The enum map sea-schema's parser looks a column's type up in: the
/// column's own enum type (or its array's element type), by its name.
fn enum_of(
    udt_name: Option<&str>,
    udt_regtype: Option<&str>,
    values: Option<Vec<String>>,
) -> HashMap<String, Vec<String>> {
    let Some(values) = values else {
        return HashMap::new();
    };
    // An array of enums: sea-schema looks the element up by the name
    // `udt_regtype` gives without its `[]`.
    let element = udt_regtype.and_then(|t| t.strip_suffix("[]"));
    let name = element.or(udt_name).unwrap_or_default();
    HashMap::from([(name.to_owned(), values)])
}

/// Adds a row of [`KEYS`] to its table.
fn add_key(relation: &mut Relation, row: &PgRow) -> Result<(), Error> {
    let kind: String = row.try_get("type")?;
    let name: String = row.try_get("name")?;
    let columns: Vec<String> = row.try_get("columns")?;
    if kind == "p" {
        relation
            .def
            .primary_key_constraints
            .push(PrimaryKey { name, columns });
        return Ok(());
    }
    let references = References {
        name,
        columns,
        table: row.try_get("ref_table")?,
        foreign_columns: row.try_get("ref_columns")?,
        on_update: Some(action(&row.try_get::<String, _>("on_update")?)?),
        on_delete: Some(action(&row.try_get::<String, _>("on_delete")?)?),
    };
    relation
        .references
        .push((references, row.try_get("ref_schema")?));
    Ok(())
}

/// The action of a `pg_constraint.confupdtype` or `confdeltype`.
fn action(code: &str) -> Result<ForeignKeyAction, Error> {
    match code {
        "a" => Ok(ForeignKeyAction::NoAction),
        "r" => Ok(ForeignKeyAction::Restrict),
        "c" => Ok(ForeignKeyAction::Cascade),
        "n" => Ok(ForeignKeyAction::SetNull),
        "d" => Ok(ForeignKeyAction::SetDefault),
        other => Err(Error::Discovery(format!(
            "unexpected foreign key action {other:?}"
        ))),
    }
}

/// Adds a row of [`UNIQUE_INDEXES`] to its table.
fn add_unique_index(relation: &mut Relation, row: &PgRow) -> Result<(), Error> {
    let columns: Vec<String> = row.try_get("columns")?;
    if columns.is_empty() {
        return Ok(());
    }
    relation.def.unique_constraints.push(Unique {
        name: row.try_get("name")?,
        columns,
        is_partial: row.try_get("partial")?,
    });
    Ok(())
}

impl Relation {
    /// The relation's statement: sea-schema's writer, generated columns
    /// and partial unique indexes left out, then the foreign keys, a table
    /// of another schema named with its schema.
    fn write(mut self) -> Discovered {
        self.def.columns.retain(|c| c.generated.is_none());
        self.def.unique_constraints.retain(|u| !u.is_partial);
        let mut statement: TableCreateStatement = self.def.write();
        for (references, schema) in &self.references {
            let mut key = references.write();
            if *schema != self.schema {
                key.to_tbl((Alias::new(schema), Alias::new(&references.table)));
            }
            statement.foreign_key(&mut key);
        }
        Discovered {
            schema: Some(self.schema),
            kind: self.kind,
            statement,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relkinds_and_actions_are_read() {
        assert_eq!(relkind("r").ok(), Some(Relkind::Table));
        assert_eq!(relkind("p").ok(), Some(Relkind::Partitioned));
        assert_eq!(relkind("v").ok(), Some(Relkind::View));
        assert_eq!(relkind("m").ok(), Some(Relkind::MaterializedView));
        assert!(relkind("i").is_err());
        assert_eq!(action("n").ok(), Some(ForeignKeyAction::SetNull));
        assert_eq!(action("c").ok(), Some(ForeignKeyAction::Cascade));
        assert_eq!(action("a").ok(), Some(ForeignKeyAction::NoAction));
        assert!(action("x").is_err());
    }

    #[test]
    fn a_column_finds_its_enum_or_its_elements() {
        let values = Some(vec!["a".to_owned(), "b".to_owned()]);
        let plain = enum_of(Some("mood"), Some("other.mood"), values.clone());
        assert_eq!(plain.get("mood"), values.as_ref());
        let array = enum_of(Some("_mood"), Some("mood[]"), values.clone());
        assert_eq!(array.get("mood"), values.as_ref());
        assert!(enum_of(Some("int4"), Some("integer"), None).is_empty());
    }

    #[test]
    fn sea_schema_parses_catalog_rows_into_types() {
        use sea_orm::sea_query::ColumnType;
        let row = |data_type: &str, udt: &str| ColumnQueryResult {
            column_name: "c".to_owned(),
            column_type: data_type.to_owned(),
            is_nullable: "NO".to_owned(),
            is_identity: "NO".to_owned(),
            udt_name: Some(udt.to_owned()),
            udt_name_regtype: Some(udt.to_owned()),
            ..ColumnQueryResult::default()
        };
        let enums = enum_of(Some("mood"), Some("mood"), Some(vec!["happy".to_owned()]));
        let column = row("USER-DEFINED", "mood").parse(&enums);
        assert!(matches!(
            column.write_col_type(),
            ColumnType::Enum { name, variants } if name.to_string() == "mood" && variants.len() == 1
        ));
        let unknown = row("USER-DEFINED", "citext").parse(&HashMap::new());
        assert!(
            matches!(unknown.write_col_type(), ColumnType::Custom(name) if name.to_string() == "citext")
        );
        let array = ColumnQueryResult {
            udt_name_regtype: Some("integer[]".to_owned()),
            ..row("ARRAY", "_int4")
        }
        .parse(&HashMap::new());
        assert!(
            matches!(array.write_col_type(), ColumnType::Array(inner) if *inner == ColumnType::Integer)
        );
    }
}
