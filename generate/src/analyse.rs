//! Which tables become GraphQL types, which foreign keys are has-one
//! associations, and what everything is called. Deterministic: the same
//! tables in give the same plan out.
//!
//! A foreign key is one-to-one when its columns are exactly the target
//! table's primary key (a shared key) or exactly covered by a unique
//! constraint or unique index. Its association is declared on the
//! referenced table (the source, Sequelize's `Source.hasOne(Target)`).
//!
//! Names (docs/generate.md):
//! - a table's type is its name singular in PascalCase (`user_profiles` →
//!   `UserProfile`); its query fields the singular and the table name in
//!   camelCase (`userProfile`, `userProfiles`; `<singular>List` when both
//!   are the same);
//! - the has-one field is the target table's name singular in camelCase
//!   (`profile`), its inverse the source's (`user`);
//! - where one of those would clash (two foreign keys from one table to
//!   the same source, a self-reference, a column of the same name), both
//!   names of the association come from the foreign key column without its
//!   `_id`: the field `<target>By<Column>` (`storeByManagerStaff`), the
//!   inverse `<column>` (`managerStaff`).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use sea_orm::sea_query::{ColumnType, ForeignKeyAction};

use crate::model::{ForeignKey, Table};

/// What the generated project exposes.
#[derive(Debug, Default)]
pub struct Plan {
    /// The tables that become GraphQL types, by name.
    pub tables: Vec<TablePlan>,
    /// The has-one associations.
    pub relations: Vec<Relation>,
    /// Tables left out, with the reason.
    pub skipped_tables: Vec<(String, String)>,
    /// Foreign keys that are not associations, with the reason.
    pub skipped_relations: Vec<(String, String)>,
}

/// A table served as a GraphQL type.
#[derive(Debug)]
pub struct TablePlan {
    /// The table's name.
    pub name: String,
    /// Its entity module (sea-orm-codegen's name for it).
    pub module: String,
    /// The GraphQL type name.
    pub type_name: String,
    /// The single-row query field.
    pub single: String,
    /// The paginated list query field.
    pub list: String,
}

/// How a one-to-one foreign key behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A nullable unique foreign key: get, set, unlink, create.
    Nullable,
    /// A `NOT NULL` unique foreign key: a new target deletes the previous
    /// one; unlinking is refused.
    NotNull,
    /// The foreign key is the target's primary key: get and create; `set`
    /// cannot move a row to another source.
    SharedKey,
}

impl Kind {
    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Nullable => "nullable unique FK",
            Kind::NotNull => "NOT NULL unique FK",
            Kind::SharedKey => "shared primary key",
        }
    }
}

/// A has-one association found.
#[derive(Debug)]
pub struct Relation {
    /// The source table (referenced).
    pub source: String,
    /// The target table (holding the foreign key).
    pub target: String,
    /// The referenced column of the source (`sourceKey`).
    pub source_key: String,
    /// The foreign key column of the target.
    pub foreign_key: String,
    /// How it behaves.
    pub kind: Kind,
    /// The has-one field on the source type.
    pub field: String,
    /// The belongsTo field on the target type.
    pub inverse: String,
    /// The Rust constant that declares it.
    pub constant: String,
    /// `ON DELETE CASCADE` or `SET NULL` where the database declares it
    /// (`None`: another rule, or the default).
    pub on_delete: Option<OnDelete>,
}

/// The `ON DELETE` rules hasone declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// `ON DELETE SET NULL`
    SetNull,
    /// `ON DELETE CASCADE`
    Cascade,
}

/// Which tables to read.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only these (empty: all).
    pub include: Vec<String>,
    /// Never these.
    pub skip: Vec<String>,
}

impl Filter {
    fn admits(&self, table: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|t| t == table))
            && !self.skip.iter().any(|t| t == table)
    }
}

/// Type names hasone's own schema uses.
const RESERVED_TYPES: [&str; 13] = [
    "QueryRoot",
    "MutationRoot",
    "Node",
    "PageInfo",
    "UUID",
    "JSON",
    "DateTime",
    "Date",
    "Time",
    "Decimal",
    "Bytes",
    "String",
    "Boolean",
];

/// `profiles` → `profile`, as sea-orm-codegen's `pluralizer` has it.
pub fn singular(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", pluralizer::pluralize(last, 1, false)),
        None => pluralizer::pluralize(&snake, 1, false),
    }
}

/// sea-orm-codegen's identifier for `name`: keywords escaped.
pub fn rust_ident(name: String) -> String {
    const KEYWORDS: [&str; 49] = [
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "super", "trait", "true", "type", "union",
        "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
        "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else if ["crate", "Self", "self"].contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The entity module of a table (sea-orm-codegen's file name).
pub fn module(table: &str) -> String {
    rust_ident(table.to_snake_case())
}

/// The `Column` variant of a column.
pub fn column_variant(column: &str) -> String {
    rust_ident(column.to_upper_camel_case())
}

/// Why a column's type keeps its table out, if it does.
fn unsupported(ty: Option<&ColumnType>) -> Option<String> {
    use ColumnType as C;
    match ty {
        None => Some("a type the schema reader does not know".to_owned()),
        Some(
            C::Char(_)
            | C::String(_)
            | C::Text
            | C::TinyInteger
            | C::SmallInteger
            | C::Integer
            | C::BigInteger
            | C::TinyUnsigned
            | C::SmallUnsigned
            | C::Unsigned
            | C::BigUnsigned
            | C::Float
            | C::Double
            | C::Json
            | C::JsonBinary
            | C::Date
            | C::Time
            | C::DateTime
            | C::Timestamp
            | C::TimestampWithTimeZone
            | C::Decimal(_)
            | C::Money(_)
            | C::Uuid
            | C::Binary(_)
            | C::VarBinary(_)
            | C::Blob
            | C::Boolean
            | C::Year,
        ) => None,
        Some(other) => Some(format!("{other:?}")),
    }
}

/// Whether hasone's ids can carry a primary key of this type.
fn id_type(ty: Option<&ColumnType>) -> bool {
    use ColumnType as C;
    matches!(
        ty,
        Some(C::Integer | C::BigInteger | C::Char(_) | C::String(_) | C::Text | C::Uuid)
    )
}

/// Plans the project for `tables`.
pub fn plan(tables: &[Table], filter: &Filter) -> Plan {
    let mut plan = Plan::default();
    let mut served: BTreeMap<&str, &Table> = BTreeMap::new();
    let mut type_names: BTreeMap<String, String> = RESERVED_TYPES
        .iter()
        .map(|t| ((*t).to_owned(), "hasone".to_owned()))
        .collect();
    let mut query_names: BTreeSet<String> = ["node".to_owned()].into();
    for table in tables {
        if !filter.admits(&table.name) {
            continue;
        }
        if let Some(reason) = table_problem(table) {
            plan.skipped_tables.push((table.name.clone(), reason));
            continue;
        }
        let type_name = singular(&table.name).to_upper_camel_case();
        let derived = [
            type_name.clone(),
            format!("{type_name}Connection"),
            format!("{type_name}Edge"),
            format!("{type_name}Scope"),
            format!("Create{type_name}Input"),
            format!("Update{type_name}Input"),
        ];
        if let Some((name, owner)) = derived
            .iter()
            .find_map(|n| type_names.get(n).map(|owner| (n, owner)))
        {
            plan.skipped_tables.push((
                table.name.clone(),
                format!("its GraphQL type `{name}` is taken by {owner}"),
            ));
            continue;
        }
        let single = singular(&table.name).to_lower_camel_case();
        let mut list = table.name.to_lower_camel_case();
        if list == single {
            list = format!("{single}List");
        }
        if query_names.contains(&single) || query_names.contains(&list) {
            plan.skipped_tables.push((
                table.name.clone(),
                format!("its query fields `{single}`/`{list}` are taken"),
            ));
            continue;
        }
        for name in derived {
            type_names.insert(name, format!("table `{}`", table.name));
        }
        query_names.insert(single.clone());
        query_names.insert(list.clone());
        served.insert(&table.name, table);
        plan.tables.push(TablePlan {
            name: table.name.clone(),
            module: module(&table.name),
            type_name,
            single,
            list,
        });
    }

    // One-to-one foreign keys, with their default names.
    struct Candidate<'a> {
        fk: &'a ForeignKey,
        target: &'a Table,
        kind: Kind,
    }
    let mut candidates = Vec::new();
    for target in tables.iter().filter(|t| filter.admits(&t.name)) {
        for fk in &target.foreign_keys {
            let what = describe(target, fk);
            match classify(target, fk, &served) {
                Ok(kind) => candidates.push(Candidate { fk, target, kind }),
                Err(reason) => plan.skipped_relations.push((what, reason)),
            }
        }
    }
    let default_names = |c: &Candidate| {
        (
            singular(&c.target.name).to_lower_camel_case(),
            singular(&c.fk.ref_table).to_lower_camel_case(),
        )
    };
    // Fields each type has before associations: its columns, `id`, `rowId`.
    let mut taken: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for table in served.values() {
        let fields = taken.entry(&table.name).or_default();
        for name in ["id".to_owned(), "rowId".to_owned()]
            .into_iter()
            .chain(table.columns.iter().map(|c| c.name.to_lower_camel_case()))
        {
            *fields.entry(name).or_default() += 1;
        }
    }
    for c in &candidates {
        let (field, inverse) = default_names(c);
        *taken
            .entry(&c.fk.ref_table)
            .or_default()
            .entry(field)
            .or_default() += 1;
        *taken
            .entry(&c.target.name)
            .or_default()
            .entry(inverse)
            .or_default() += 1;
    }
    let mut final_names: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for table in served.values() {
        let names = final_names.entry(&table.name).or_default();
        names.extend(["id".to_owned(), "rowId".to_owned()]);
        names.extend(table.columns.iter().map(|c| c.name.to_lower_camel_case()));
    }
    for c in &candidates {
        let (field, inverse) = default_names(c);
        let clash = |table: &str, name: &String| {
            taken
                .get(table)
                .and_then(|fields| fields.get(name))
                .is_some_and(|n| *n > 1)
        };
        let (field, inverse) = if clash(&c.fk.ref_table, &field) || clash(&c.target.name, &inverse)
        {
            let stem = c.fk.columns[0]
                .strip_suffix("_id")
                .filter(|s| !s.is_empty())
                .unwrap_or(&c.fk.columns[0]);
            (
                format!("{}_by_{stem}", singular(&c.target.name)).to_lower_camel_case(),
                stem.to_lower_camel_case(),
            )
        } else {
            (field, inverse)
        };
        let on_source = final_names.entry(&c.fk.ref_table).or_default();
        if !on_source.insert(field.clone()) {
            plan.skipped_relations.push((
                describe(c.target, c.fk),
                format!("`{}.{field}` would be declared twice", c.fk.ref_table),
            ));
            continue;
        }
        let on_target = final_names.entry(&c.target.name).or_default();
        if !on_target.insert(inverse.clone()) {
            final_names
                .entry(&c.fk.ref_table)
                .or_default()
                .remove(&field);
            plan.skipped_relations.push((
                describe(c.target, c.fk),
                format!("`{}.{inverse}` would be declared twice", c.target.name),
            ));
            continue;
        }
        plan.relations.push(Relation {
            constant: format!("{}_{}", singular(&c.fk.ref_table), field.to_snake_case())
                .to_shouty_snake_case(),
            source: c.fk.ref_table.clone(),
            target: c.target.name.clone(),
            source_key: c.fk.ref_columns[0].clone(),
            foreign_key: c.fk.columns[0].clone(),
            kind: c.kind,
            field,
            inverse,
            on_delete: match c.fk.on_delete {
                Some(ForeignKeyAction::Cascade) => Some(OnDelete::Cascade),
                Some(ForeignKeyAction::SetNull) => Some(OnDelete::SetNull),
                _ => None,
            },
        });
    }
    plan
}

fn describe(table: &Table, fk: &ForeignKey) -> String {
    format!(
        "{}({}) → {}({})",
        table.name,
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", ")
    )
}

/// Why a table cannot be served, if it cannot.
fn table_problem(table: &Table) -> Option<String> {
    match table.primary_key.as_slice() {
        [] => return Some("no primary key".to_owned()),
        [pk] => {
            if !id_type(table.column(pk).and_then(|c| c.ty.as_ref())) {
                return Some(format!(
                    "primary key `{pk}` is not an integer, text or UUID column"
                ));
            }
        }
        many => {
            return Some(format!(
                "composite primary key ({}): hasone's ids are one column",
                many.join(", ")
            ));
        }
    }
    table.columns.iter().find_map(|c| {
        unsupported(c.ty.as_ref())
            .map(|ty| format!("column `{}` has an unsupported type ({ty})", c.name))
    })
}

/// Whether `fk` of `target` is a one-to-one relation hasone can declare.
fn classify(
    target: &Table,
    fk: &ForeignKey,
    served: &BTreeMap<&str, &Table>,
) -> Result<Kind, String> {
    let [column] = fk.columns.as_slice() else {
        return Err(format!(
            "composite foreign key ({} columns): hasone's associations use one column",
            fk.columns.len()
        ));
    };
    let Some(source) = served.get(fk.ref_table.as_str()) else {
        return Err(format!("`{}` is not served", fk.ref_table));
    };
    if !served.contains_key(target.name.as_str()) {
        return Err(format!("`{}` is not served", target.name));
    }
    let key = &fk.ref_columns[0];
    if !source.is_unique(std::slice::from_ref(key)) {
        return Err(format!("`{}.{key}` is not unique", source.name));
    }
    if target.primary_key == [column.clone()] {
        return Ok(Kind::SharedKey);
    }
    if !target.is_unique(std::slice::from_ref(column)) {
        return Err(format!(
            "one-to-many: `{}.{column}` has no unique constraint",
            target.name
        ));
    }
    let key_ty = source.column(key).and_then(|c| c.ty.as_ref());
    let fk_ty = target.column(column).and_then(|c| c.ty.as_ref());
    if !same_family(key_ty, fk_ty) {
        return Err(format!(
            "`{}.{column}` ({fk_ty:?}) cannot hold `{}.{key}` ({key_ty:?})",
            target.name, source.name
        ));
    }
    Ok(match target.column(column) {
        Some(c) if c.nullable => Kind::Nullable,
        _ => Kind::NotNull,
    })
}

/// Keys compare as integers, text or UUIDs (hasone-graphql's rule).
fn same_family(a: Option<&ColumnType>, b: Option<&ColumnType>) -> bool {
    use ColumnType as C;
    let family = |t: Option<&ColumnType>| match t {
        Some(C::TinyInteger | C::SmallInteger | C::Integer | C::BigInteger) => 1,
        Some(C::TinyUnsigned | C::SmallUnsigned | C::Unsigned | C::BigUnsigned) => 1,
        Some(C::Char(_) | C::String(_) | C::Text) => 2,
        Some(C::Uuid) => 3,
        _ => 0,
    };
    family(a) != 0 && family(a) == family(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_names() {
        for (plural, one) in [
            ("profiles", "profile"),
            ("addresses", "address"),
            ("companies", "company"),
            ("user_profiles", "user_profile"),
            ("staff", "staff"),
            ("people", "person"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }

    #[test]
    fn identifiers_follow_sea_orm_codegen() {
        assert_eq!(module("type"), "r#type");
        assert_eq!(module("UserProfiles"), "user_profiles");
        assert_eq!(column_variant("user_id"), "UserId");
        assert_eq!(column_variant("self"), "Self_");
    }
}
