//! What each column type of a discovered table becomes. The library
//! decides what it serves (hasone-graphql's `ColumnKind::of`, its one
//! list); every other type is still served, as read-only text: its column
//! becomes a SeaORM `custom` column whose field is a `String` read through
//! a cast to text (`select_as`), never a reason to skip a table.

use hasone_graphql::value::ColumnKind;
use sea_orm::sea_query::{ColumnDef, ColumnType, TableCreateStatement};

use crate::discover::Backend;

/// The database type a column read as text has, as the entity's
/// `column_type = "custom(…)"` names it; `None` when hasone serves the
/// type as it is.
pub fn read_as_text(ty: Option<&ColumnType>) -> Option<String> {
    let Some(ty) = ty else {
        return Some("unknown".to_owned());
    };
    match (ColumnKind::of(ty), ty) {
        // sqlx reads PostgreSQL's `money` as `PgMoney`, not the `Decimal`
        // sea-orm-codegen writes.
        (_, ColumnType::Money(_)) => Some("money".to_owned()),
        (ColumnKind::Other, ty) => Some(type_name(ty)),
        _ => None,
    }
}

/// A readable name of a type hasone reads as text.
fn type_name(ty: &ColumnType) -> String {
    use ColumnType as C;
    match ty {
        C::Custom(name) => name.to_string(),
        C::Array(element) => format!("{}[]", type_name(element)),
        C::Interval(..) => "interval".to_owned(),
        C::Inet => "inet".to_owned(),
        C::Cidr => "cidr".to_owned(),
        C::MacAddr => "macaddr".to_owned(),
        C::Bit(_) => "bit".to_owned(),
        C::VarBit(_) => "varbit".to_owned(),
        C::Vector(_) => "vector".to_owned(),
        C::LTree => "ltree".to_owned(),
        C::TinyInteger => "smallint".to_owned(),
        C::SmallInteger => "smallint".to_owned(),
        C::Integer => "integer".to_owned(),
        C::BigInteger => "bigint".to_owned(),
        C::Boolean => "boolean".to_owned(),
        C::Text | C::String(_) | C::Char(_) => "text".to_owned(),
        C::Uuid => "uuid".to_owned(),
        C::Date => "date".to_owned(),
        C::Double => "double precision".to_owned(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// MariaDB/MySQL's 24-bit integer, which sea-schema reads as the custom
/// type `mediumint` (`mediumint unsigned`): whether it is one, and
/// unsigned (the 32-bit integer of its sign holds every value).
fn mediumint(ty: &ColumnType) -> Option<bool> {
    let ColumnType::Custom(name) = ty else {
        return None;
    };
    let name = name.to_string().to_ascii_lowercase();
    name.starts_with("mediumint")
        .then(|| name.contains("unsigned"))
}

/// MariaDB/MySQL's spatial types, which it cannot cast to text (`Illegal
/// parameter data type point for operation 'cast_as_char'`).
const MYSQL_SPATIAL: [&str; 8] = [
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
];

/// A column hasone cannot read on `backend`, even as text: its type.
fn unreadable(column: &ColumnDef, backend: Backend) -> Option<String> {
    let ColumnType::Custom(name) = column.get_column_type()? else {
        return None;
    };
    let name = name.to_string().to_ascii_lowercase();
    (backend == Backend::Mysql && MYSQL_SPATIAL.contains(&name.as_str())).then_some(name)
}

/// `statement` with each column typed as the generated entity has it:
/// `MEDIUMINT` as the 32-bit integer, a type hasone does not serve as
/// `custom("<type>")` (read as text); and the columns it leaves out, with
/// their type: those it cannot read on `backend` even as text (MySQL's
/// spatial types), as it leaves out generated columns.
pub fn normalise(
    statement: &TableCreateStatement,
    backend: Backend,
) -> (TableCreateStatement, Vec<(String, String)>) {
    let mut left_out = Vec::new();
    let table = crate::model::rebuild(
        statement,
        |column| match unreadable(column, backend) {
            Some(ty) => {
                left_out.push((column.get_column_name(), ty));
                None
            }
            None => Some(normalise_column(column)),
        },
        |_| true,
    );
    (table, left_out)
}

fn normalise_column(column: &ColumnDef) -> ColumnDef {
    let mut column = column.clone();
    let ty = column.get_column_type().cloned();
    match ty.as_ref().and_then(mediumint) {
        Some(true) => {
            column.unsigned();
        }
        Some(false) => {
            column.integer();
        }
        None => {
            if let Some(name) = read_as_text(ty.as_ref()) {
                column.custom(sea_orm::sea_query::Alias::new(name));
            }
        }
    }
    column
}

/// PostgreSQL types read as text whose text form the database parses back
/// to the same value (its output and input functions agree): written as
/// text, cast to the type (`save_as`). `bit` is left out: a cast to `bit`
/// is `bit(1)`, and the column's length is not known here.
const POSTGRES_WRITABLE: [&str; 21] = [
    "interval",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "xml",
    "timetz",
    "tsvector",
    "money",
    "point",
    "citext",
    "ltree",
    "varbit",
    "smallint[]",
    "integer[]",
    "bigint[]",
    "text[]",
    "boolean[]",
    "uuid[]",
    "date[]",
    "double precision[]",
];

/// The type a column read as text is cast to when written, where its text
/// form round-trips exactly (the list above; MySQL's `SET` takes
/// its text, `s,l`, as it is); `None`: read-only.
pub fn save_cast(type_name: &str, backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Postgres => POSTGRES_WRITABLE.iter().copied().find(|t| *t == type_name),
        Backend::Mysql => {
            let name = type_name.to_ascii_lowercase();
            (name.starts_with("set(") || name.starts_with("set (")).then_some("char")
        }
        Backend::Sqlite => None,
    }
}

/// The cast a column read as text is selected through, on `backend`
/// (`CAST(x AS char)` is MySQL's text; PostgreSQL's `char` is one
/// character).
pub fn text_cast(backend: Backend) -> &'static str {
    match backend {
        Backend::Mysql => "char",
        Backend::Postgres | Backend::Sqlite => "text",
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Alias, PostgresQueryBuilder, RcOrArc, Table};

    use super::*;

    fn one_column(ty: ColumnType, nullable: bool) -> TableCreateStatement {
        let mut column = ColumnDef::new_with_type(Alias::new("c"), ty);
        if !nullable {
            column.not_null();
        }
        Table::create()
            .table(Alias::new("t"))
            .col(column)
            .to_owned()
    }

    fn type_of(statement: &TableCreateStatement) -> Option<ColumnType> {
        statement.get_columns()[0].get_column_type().cloned()
    }

    #[test]
    fn mysql_spatial_columns_are_left_out_there_only() {
        let point = one_column(ColumnType::custom("POINT"), true);
        let (normal, left_out) = normalise(&point, Backend::Mysql);
        assert!(normal.get_columns().is_empty());
        assert_eq!(left_out, [("c".to_owned(), "point".to_owned())]);
        let (normal, left_out) = normalise(&point, Backend::Postgres);
        assert_eq!(type_of(&normal), Some(ColumnType::custom("POINT")));
        assert!(left_out.is_empty());
    }

    #[test]
    fn mediumint_is_the_integer_of_its_sign() {
        for (name, want) in [
            ("mediumint(9)", ColumnType::Integer),
            ("MEDIUMINT UNSIGNED", ColumnType::Unsigned),
        ] {
            let (normal, _) =
                normalise(&one_column(ColumnType::custom(name), false), Backend::Mysql);
            assert_eq!(type_of(&normal), Some(want), "{name}");
            assert_eq!(
                normal.get_columns()[0].get_column_spec().nullable,
                Some(false)
            );
        }
    }

    #[test]
    fn unserved_types_become_text_columns_and_keep_the_rest() {
        for (ty, name) in [
            (ColumnType::Interval(None, None), "interval"),
            (ColumnType::Inet, "inet"),
            (
                ColumnType::Array(RcOrArc::new(ColumnType::Integer)),
                "integer[]",
            ),
            (ColumnType::custom("xml"), "xml"),
            (ColumnType::Money(None), "money"),
        ] {
            let (normal, _) = normalise(&one_column(ty.clone(), true), Backend::Postgres);
            assert_eq!(type_of(&normal), Some(ColumnType::custom(name)), "{ty:?}");
            assert_eq!(read_as_text(Some(&ty)).as_deref(), Some(name));
        }
        for ty in [ColumnType::Integer, ColumnType::Text, ColumnType::Uuid] {
            let statement = one_column(ty.clone(), false);
            assert_eq!(
                normalise(&statement, Backend::Postgres)
                    .0
                    .to_string(PostgresQueryBuilder),
                statement.to_string(PostgresQueryBuilder)
            );
            assert_eq!(read_as_text(Some(&ty)), None);
        }
    }
}
