//! What `generate` changes in sea-orm-codegen's input and output, where
//! its entities would not serve a table as hasone does:
//!
//! - a table without a primary key (a view) gets a nominal one, the column
//!   the plan names ([`TablePlan::nominal_key`]): SeaORM requires a key;
//!   where that column is nullable its field is a `hasone::NullableKey<T>`
//!   (an `Option` cannot be a key);
//! - a table of a PostgreSQL schema other than `public`: its entity names
//!   the schema (`schema_name`);
//! - a column read as text (`custom("…")`, see [`crate::types`]):
//!   sea-orm-codegen writes it `ignore`d, a field SeaORM never reads; it is
//!   a column here, read through a cast to the backend's text type.
//!
//! The output is edited as the token text sea-orm-codegen writes, on the
//! exact token sequences its writer makes (`compact.rs`, `column.rs`), and
//! checked by the tests below and by building every generated project.

use sea_orm::sea_query::TableCreateStatement;

use crate::analyse::TablePlan;
use crate::discover::Backend;
use crate::{names, types};

/// The string literal sea-orm-codegen writes for a custom column type, as
/// `quote` renders `"custom(\"{name}\")"` for a name without `"`, `\\`
/// or control characters (a name with them is not found, and its column
/// stays read-only).
fn custom_literal(name: &str) -> String {
    format!("\"custom(\\\"{name}\\\")\"")
}

/// `statement` as sea-orm-codegen gets it: with the nominal key marked.
pub fn prepare(statement: &TableCreateStatement, table: &TablePlan) -> TableCreateStatement {
    let Some(key) = &table.nominal_key else {
        return statement.clone();
    };
    crate::model::rebuild(
        statement,
        |column| {
            let mut column = column.clone();
            if column.get_column_name() == *key {
                column.primary_key();
            }
            Some(column)
        },
        |_| true,
    )
}

/// The entity file sea-orm-codegen wrote for `table`, finished: its text
/// columns read through a cast, a nullable nominal key typed
/// `NullableKey`. `Err` when a token sequence it must change is not there
/// (sea-orm-codegen writes otherwise than it did).
pub fn finish(
    content: &str,
    table: &TablePlan,
    nullable_key: bool,
    backend: Backend,
) -> Result<String, String> {
    let mut content = content.to_owned();
    if let Some(schema) = &table.schema {
        let name = "table_name = ";
        if content.matches(name).count() != 1 {
            return Err(format!("not one {name:?}"));
        }
        content = content.replace(
            name,
            &format!("schema_name = {} , {name}", names::rust_str(schema)),
        );
    }
    if !table.text_columns.is_empty() {
        let ignored = "ignore , column_type = \"custom(";
        let cast = format!("select_as = \"{}\"", types::text_cast(backend));
        let count = content.matches(ignored).count();
        if count != table.text_columns.len() {
            return Err(format!(
                "{} columns read as text, {count} written as such",
                table.text_columns.len()
            ));
        }
        content = content
            .replace(ignored, "column_type = \"custom(")
            .replace("select_as = \"text\"", &cast);
        // Written through a cast where the text round-trips.
        for (_, ty) in &table.text_columns {
            if let Some(save) = types::save_cast(ty, backend) {
                let selected = format!("column_type = {} , {cast}", custom_literal(ty));
                content = content.replace(&selected, &format!("{selected} , save_as = \"{save}\""));
            }
        }
    }
    if let (Some(key), true) = (&table.nominal_key, nullable_key) {
        let field = names::field(key)?;
        let declared = format!("pub {field} : Option <");
        let at = content
            .find(&declared)
            .ok_or_else(|| format!("no field {declared:?}"))?;
        let attribute = "primary_key , auto_increment = false";
        let attr_at = content[..at]
            .rfind(attribute)
            .ok_or_else(|| format!("no {attribute:?} before {declared:?}"))?;
        let end = attr_at + attribute.len();
        let field_type = format!("pub {field} : hasone :: NullableKey <");
        // sea-orm-codegen writes `nullable` itself after a `column_type`.
        let nullable = if content[end..at].contains("nullable") {
            ""
        } else {
            " , nullable"
        };
        content = format!(
            "{}{attribute}{nullable}{}{field_type}{}",
            &content[..attr_at],
            &content[end..at],
            &content[at + declared.len()..]
        );
    }
    Ok(content)
}
