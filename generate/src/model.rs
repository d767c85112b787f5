//! What the generator needs of a discovered table, read from the
//! `TableCreateStatement` that sea-schema writes for it (the same input
//! sea-orm-codegen gets), so that every backend goes through one path.

use sea_orm::sea_query::{
    ColumnDef, ColumnType, ForeignKeyAction, ForeignKeyCreateStatement, Table as Create,
    TableCreateStatement,
};

use crate::discover::{Discovered, Relkind};

/// A table as discovered.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Its database schema (PostgreSQL), `None` elsewhere.
    pub schema: Option<String>,
    /// A table, a view, ...
    pub kind: Relkind,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// The primary key's columns (empty: none).
    pub primary_key: Vec<String>,
    /// Column sets with a unique constraint or unique index.
    pub uniques: Vec<Vec<String>>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Columns the entity leaves out, with their type: those hasone cannot
    /// read even as text.
    pub left_out: Vec<(String, String)>,
}

/// A column as discovered.
#[derive(Clone, Debug)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its type, as SeaQuery reads it (`None`: a type sea-schema does not
    /// know).
    pub ty: Option<ColumnType>,
    /// Whether it may be `NULL`.
    pub nullable: bool,
}

/// A foreign key as discovered.
#[derive(Clone, Debug)]
pub struct ForeignKey {
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// The referencing columns (on this table).
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE`, as declared (`None`: the database's default).
    pub on_delete: Option<ForeignKeyAction>,
}

/// `statement` again, each column as `column` makes it (`None`: left out)
/// and the foreign keys `keep` keeps; its name, comment and indexes as
/// they are. (sea-query has no setters on a built statement.)
pub fn rebuild(
    statement: &TableCreateStatement,
    mut column: impl FnMut(&ColumnDef) -> Option<ColumnDef>,
    keep: impl Fn(&ForeignKeyCreateStatement) -> bool,
) -> TableCreateStatement {
    let mut table = Create::create();
    if let Some(name) = statement.get_table_name() {
        table.table(name.clone());
    }
    if let Some(comment) = statement.get_comment() {
        table.comment(comment.clone());
    }
    for def in statement.get_columns() {
        if let Some(def) = column(def) {
            table.col(def);
        }
    }
    for index in statement.get_indexes() {
        table.index(&mut index.clone());
    }
    for fk in statement.get_foreign_key_create_stmts() {
        if keep(fk) {
            table.foreign_key(&mut fk.clone());
        }
    }
    table.to_owned()
}

impl Table {
    /// Reads a discovered table.
    pub fn discovered(discovered: &Discovered) -> Option<Table> {
        Table::of(&discovered.statement).map(|table| Table {
            schema: discovered.schema.clone(),
            kind: discovered.kind,
            ..table
        })
    }

    /// Reads a table out of its create statement (a table of the default
    /// schema).
    pub fn of(statement: &TableCreateStatement) -> Option<Table> {
        let name = statement.get_table_name()?.sea_orm_table().to_string();
        let mut primary_key = Vec::new();
        let mut uniques = Vec::new();
        let mut columns = Vec::new();
        for def in statement.get_columns() {
            let spec = def.get_column_spec();
            let column = def.get_column_name();
            if spec.primary_key {
                primary_key.push(column.clone());
            }
            if spec.unique {
                uniques.push(vec![column.clone()]);
            }
            columns.push(Column {
                nullable: spec.nullable != Some(false) && !spec.primary_key,
                ty: def.get_column_type().cloned(),
                name: column,
            });
        }
        for index in statement.get_indexes() {
            let names = index.get_index_spec().get_column_names();
            if index.is_primary_key() {
                primary_key.extend(names);
            } else if index.is_unique_key() {
                uniques.push(names);
            }
        }
        for column in &mut columns {
            if primary_key.contains(&column.name) {
                column.nullable = false;
            }
        }
        let mut foreign_keys: Vec<ForeignKey> = statement
            .get_foreign_key_create_stmts()
            .iter()
            .map(|fk| fk.get_foreign_key())
            .filter_map(|fk| {
                Some(ForeignKey {
                    name: fk.get_name().map(str::to_owned),
                    columns: fk.get_columns(),
                    ref_table: fk.get_ref_table()?.sea_orm_table().to_string(),
                    ref_columns: fk.get_ref_columns(),
                    on_delete: fk.get_on_delete(),
                })
            })
            .collect();
        // Backends list them in different orders; the plan must not care.
        foreign_keys.sort_by(|a, b| (&a.columns, &a.ref_table).cmp(&(&b.columns, &b.ref_table)));
        uniques.sort();
        Some(Table {
            name,
            schema: None,
            kind: Relkind::Table,
            columns,
            primary_key,
            uniques,
            foreign_keys,
            left_out: Vec::new(),
        })
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether exactly `columns` (in any order) carry a unique constraint,
    /// a unique index, or are the primary key.
    pub fn is_unique(&self, columns: &[String]) -> bool {
        let same = |set: &Vec<String>| {
            set.len() == columns.len() && columns.iter().all(|c| set.contains(c))
        };
        same(&self.primary_key) || self.uniques.iter().any(same)
    }
}
