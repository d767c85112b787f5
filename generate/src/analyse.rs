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
//!
//! Every name is checked here, before anything is written: a table whose
//! names cannot be a Rust module, `Model` field, GraphQL type or field
//! (see [`crate::names`]), or whose names another table or hasone already
//! has, is skipped with the reason; so is a relation whose GraphQL names
//! are taken. sea-orm-codegen only sees what it can name.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use sea_orm::sea_query::{ColumnType, ForeignKeyAction};

use crate::discover::Relkind;
use crate::model::{ForeignKey, Table};
use crate::names::{self, code, plain};
use crate::overrides::Overrides;
use crate::types;

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
    /// Overrides that name no table or relation of the database.
    pub unused_overrides: Vec<String>,
}

/// A table served as a GraphQL type.
#[derive(Debug)]
pub struct TablePlan {
    /// The table's name.
    pub name: String,
    /// Its entity module: the Rust identifier sea-orm-codegen declares it
    /// under (`r#type`, `self_`).
    pub module: String,
    /// The GraphQL type name.
    pub type_name: String,
    /// The single-row query field.
    pub single: String,
    /// The paginated list query field.
    pub list: String,
    /// Why it is served read-only (no primary key, a composite one, a
    /// view), if it is: registered with `Registry::read_only`, without
    /// ids, CRUD or associations.
    pub read_only: Option<String>,
    /// The column its entity names its primary key, which SeaORM requires,
    /// on a table that has none (a view): the first one that can be.
    pub nominal_key: Option<String>,
    /// Its columns read as text (a type hasone does not serve yet): the
    /// column and the database type.
    pub text_columns: Vec<(String, String)>,
    /// Its columns the entity leaves out (hasone cannot read them even as
    /// text): the column and the database type.
    pub left_out: Vec<(String, String)>,
    /// The PostgreSQL schema it is in, when not `public` (its entity names
    /// it: `schema_name`).
    pub schema: Option<String>,
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
    /// The source key's `Column` variant in the source's entity.
    pub source_key_variant: String,
    /// The foreign key's `Column` variant in the target's entity.
    pub foreign_key_variant: String,
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

/// Which tables to read (the command line), and what the overrides file
/// renames and skips.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only these (empty: all).
    pub include: Vec<String>,
    /// Never these.
    pub skip: Vec<String>,
    /// The overrides file's renames and skips.
    pub overrides: Overrides,
}

impl Filter {
    fn admits(&self, table: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|t| t == table))
            && !self.skip.iter().any(|t| t == table)
    }
}

/// Type names the generated schema has besides the tables': GraphQL's
/// scalars, hasone-graphql's types and roots (`Query`, `Mutation` and
/// `Subscription`, its `RootNames::PLAIN`, which the generated application
/// keeps; `HasOne*` before), the generated application's merged roots
/// (`main.rs`).
const RESERVED_TYPES: [&str; 23] = [
    "Query",
    "Mutation",
    "Subscription",
    "QueryRoot",
    "MutationRoot",
    "SubscriptionRoot",
    "HasOneQuery",
    "HasOneMutation",
    "HasOneSubscription",
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
    "Int",
    "Float",
    "ID",
];

/// The longest entity module name: its file name stays well below the
/// 255 bytes file systems allow (SQLite names have no limit).
const MAX_MODULE_LEN: usize = 200;

/// `profiles` → `profile`, as sea-orm-codegen's `pluralizer` has it.
pub fn singular(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", pluralizer::pluralize(last, 1, false)),
        None => pluralizer::pluralize(&snake, 1, false),
    }
}

/// A table's database enums, as sea-orm-codegen and hasone-graphql will
/// name them: (Rust type, database name, values, GraphQL type); `Err` when
/// a name cannot be made or is taken (by another enum of the same Rust
/// name with other values, MySQL's enums being named after their column;
/// by a GraphQL type; by the table's own types).
#[allow(clippy::type_complexity)]
fn enum_problem(
    table: &Table,
    enums: &BTreeMap<String, (String, Vec<String>)>,
    type_names: &BTreeMap<String, String>,
    own_types: &[String],
) -> Result<Vec<(String, String, Vec<String>, String)>, String> {
    let mut found: Vec<(String, String, Vec<String>, String)> = Vec::new();
    for column in &table.columns {
        let Some(ColumnType::Enum { name, variants }) = &column.ty else {
            continue;
        };
        let db = name.to_string();
        let values: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
        let (rust, _) = names::enum_names(&db, &values)
            .map_err(|why| format!("column {}: {why}", code(&column.name)))?;
        let graphql = hasone_graphql::names::pascal(&db);
        let same = |(other_db, other_values): &(String, Vec<String>)| {
            *other_db == db && *other_values == values
        };
        if let Some(other) = enums.get(&rust)
            && !same(other)
        {
            return Err(format!(
                "column {}: its enum would be the Rust type {}, which the enum {} (other values) already is",
                code(&column.name),
                code(&rust),
                code(&other.0)
            ));
        }
        if let Some(other) = found.iter().find(|f| f.0 == rust)
            && !(other.1 == db && other.2 == values)
        {
            return Err(format!(
                "columns of other enums would both be the Rust type {}",
                code(&rust)
            ));
        }
        if enums.get(&rust).is_none() && found.iter().all(|f| f.0 != rust) {
            if let Some(owner) = type_names.get(&graphql) {
                return Err(format!(
                    "column {}: its enum's GraphQL type {} is taken by {owner}",
                    code(&column.name),
                    code(&graphql)
                ));
            }
            if own_types.contains(&graphql) {
                return Err(format!(
                    "column {}: its enum's GraphQL type {} is the table's own",
                    code(&column.name),
                    code(&graphql)
                ));
            }
            found.push((rust, db, values, graphql));
        }
    }
    Ok(found)
}

/// The inverse's name: the role the foreign key column names, when it
/// names one (`manager_staff_id` to `staff(id)` → `managerStaff`; `owner_id`
/// to `users(id)` → `owner`), else the source table's singular
/// (`customer_id` to `customers(id)` → `customer`).
fn inverse_name(fk: &ForeignKey) -> String {
    let source = singular(&fk.ref_table);
    if let ([column], [key]) = (fk.columns.as_slice(), fk.ref_columns.as_slice())
        && let Some(role) = column
            .strip_suffix(key.as_str())
            .and_then(|rest| rest.strip_suffix('_'))
            .filter(|role| !role.is_empty() && *role != source && *role != fk.ref_table)
    {
        return role.to_lower_camel_case();
    }
    source.to_lower_camel_case()
}

/// Why a primary key of this type cannot carry hasone's ids, if it
/// cannot. hasone-graphql's ids (`IdValue`) take every integer width
/// SeaORM generates (`i8` to `i64`, `u8` to `u64`), `String` and `Uuid`.
fn id_problem(ty: Option<&ColumnType>) -> Option<String> {
    use ColumnType as C;
    match ty {
        Some(
            C::TinyInteger
            | C::SmallInteger
            | C::Integer
            | C::BigInteger
            | C::TinyUnsigned
            | C::SmallUnsigned
            | C::Unsigned
            | C::BigUnsigned
            | C::Char(_)
            | C::String(_)
            | C::Text
            | C::Uuid,
        ) => None,
        _ => Some("is not an integer, text or UUID column".to_owned()),
    }
}

/// The names a served table is given.
struct TableNames {
    module: String,
    type_name: String,
    single: String,
    list: String,
}

/// The names of `table`, or why it cannot have them: its module, `Model`
/// fields and `Column` variants (sea-orm-codegen's and SeaORM's), its
/// GraphQL type, query fields and column fields (hasone-graphql's), each
/// valid and none twice.
/// (`keyed`: served with ids, whose fields `id` and `rowId` are hasone's.)
fn table_names(table: &Table, keyed: bool) -> Result<TableNames, String> {
    let module = names::module(&table.name)
        .map_err(|why| format!("no Rust module can be named after it: {why}"))?;
    if module == "r#mod" {
        return Err(
            "its entity module would be written to `mod.rs`, the file of the entities' own module"
                .to_owned(),
        );
    }
    if module.len() > MAX_MODULE_LEN {
        return Err(format!(
            "its entity module's name would be longer than {MAX_MODULE_LEN} bytes"
        ));
    }
    let singular = singular(&table.name);
    let type_name = singular.to_upper_camel_case();
    names::graphql_name(&type_name)
        .map_err(|why| format!("no GraphQL type can be named after it: {why}"))?;
    let single = singular.to_lower_camel_case();
    let mut list = table.name.to_lower_camel_case();
    if list == single {
        list = format!("{single}List");
    }
    names::graphql_name(&single)
        .and_then(|()| names::graphql_name(&list))
        .map_err(|why| format!("no GraphQL query field can be named after it: {why}"))?;

    let pk = table.primary_key.first();
    let mut fields: BTreeMap<String, &str> = BTreeMap::new();
    let mut variants: BTreeMap<String, &str> = BTreeMap::new();
    let mut graphql: BTreeMap<String, &str> = BTreeMap::new();
    for column in &table.columns {
        let name = column.name.as_str();
        let field = names::field(name)
            .map_err(|why| format!("column {} gives no Rust field: {why}", code(name)))?;
        let variant = names::column_variant(&field);
        let graphql_field = names::graphql_field(name);
        names::graphql_name(&graphql_field)
            .map_err(|why| format!("column {} gives no GraphQL field: {why}", code(name)))?;
        let twice = |what: &str, other: &str, as_: &str| {
            format!(
                "columns {} and {} would both be the {what} {}",
                code(other),
                code(name),
                code(as_)
            )
        };
        if let Some(other) = fields.insert(field.clone(), name) {
            return Err(twice("`Model` field", other, &field));
        }
        if let Some(other) = variants.insert(variant.clone(), name) {
            return Err(twice("`Column` variant", other, &variant));
        }
        let is_pk = pk.is_some_and(|pk| *pk == column.name);
        // The primary key is `rowId` (and, unless it is named `id`, a field
        // of its own name); `id` is the global id.
        if keyed && !is_pk && (graphql_field == "id" || graphql_field == "rowId") {
            return Err(format!(
                "column {} would be the GraphQL field {}, which hasone gives {}",
                code(name),
                code(&graphql_field),
                if graphql_field == "id" {
                    "the global id"
                } else {
                    "the primary key"
                }
            ));
        }
        if let Some(other) = graphql.insert(graphql_field.clone(), name) {
            return Err(twice("GraphQL field", other, &graphql_field));
        }
    }
    Ok(TableNames {
        module,
        type_name,
        single,
        list,
    })
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
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    let mut mutations: BTreeMap<String, String> = BTreeMap::new();
    // Where two tables would have the same names, the one named as they
    // are made (snake case: `user_profiles` before `UserProfiles`, `self`
    // before `Self`) has them.
    let mut order: Vec<&Table> = tables.iter().filter(|t| filter.admits(&t.name)).collect();
    // Of two tables of one name in two schemas, `public`'s (else the
    // first schema by name) is served.
    order.sort_by_key(|t| {
        (
            t.name.to_snake_case() != t.name,
            &t.name,
            t.schema.as_deref().is_some_and(|s| s != "public"),
            &t.schema,
        )
    });
    // The database enums of the served tables: Rust type → (database
    // name, values); sea-orm-codegen writes one type per name.
    let mut enums: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for table in order {
        let asked = filter.overrides.tables.get(&table.name);
        if asked.is_some_and(|o| o.skip) {
            plan.skipped_tables.push((
                table.name.clone(),
                "skipped by the overrides file".to_owned(),
            ));
            continue;
        }
        let (read_only, nominal_key) =
            match read_only_reason(table).and_then(|r| Ok((r, nominal_key(table)?))) {
                Ok(found) => found,
                Err(reason) => {
                    plan.skipped_tables.push((table.name.clone(), reason));
                    continue;
                }
            };
        let names = match table_names(table, read_only.is_none()).and_then(|names| {
            let Some(asked) = asked else {
                return Ok(names);
            };
            let renamed = TableNames {
                type_name: asked.type_name.clone().unwrap_or(names.type_name),
                single: asked.single.clone().unwrap_or(names.single),
                list: asked.list.clone().unwrap_or(names.list),
                ..names
            };
            for name in [&renamed.type_name, &renamed.single, &renamed.list] {
                names::graphql_name(name)
                    .map_err(|why| format!("the overrides file names it {}: {why}", code(name)))?;
            }
            Ok(renamed)
        }) {
            Ok(names) => names,
            Err(reason) => {
                plan.skipped_tables.push((table.name.clone(), reason));
                continue;
            }
        };
        if let Some(other) = served.get(table.name.as_str()) {
            plan.skipped_tables.push((
                table.name.clone(),
                format!(
                    "a table of that name is served from schema {}: names are not qualified by schema yet",
                    code(other.schema.as_deref().unwrap_or_default())
                ),
            ));
            continue;
        }
        if let Some(other) = modules.get(&names.module) {
            plan.skipped_tables.push((
                table.name.clone(),
                format!(
                    "its entity module {} is taken by table {}",
                    code(&names.module),
                    code(other)
                ),
            ));
            continue;
        }
        let type_name = names.type_name;
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
                format!("its GraphQL type {} is taken by {owner}", code(name)),
            ));
            continue;
        }
        let (single, list) = (names.single, names.list);
        if query_names.contains(&single) || query_names.contains(&list) {
            plan.skipped_tables.push((
                table.name.clone(),
                format!(
                    "its query fields {}/{} are taken",
                    code(&single),
                    code(&list)
                ),
            ));
            continue;
        }
        let crud = ["create", "update", "delete"].map(|verb| format!("{verb}{type_name}"));
        if let Some((name, owner)) = crud
            .iter()
            .find_map(|n| mutations.get(n).map(|owner| (n, owner)))
        {
            plan.skipped_tables.push((
                table.name.clone(),
                format!("its mutation {} is taken by {owner}", code(name)),
            ));
            continue;
        }
        let table_enums = match enum_problem(table, &enums, &type_names, &derived) {
            Ok(table_enums) => table_enums,
            Err(reason) => {
                plan.skipped_tables.push((table.name.clone(), reason));
                continue;
            }
        };
        for (rust, db, values, graphql) in table_enums {
            type_names
                .entry(graphql)
                .or_insert_with(|| format!("enum {}", code(&db)));
            enums.insert(rust, (db, values));
        }
        let owner = format!("table {}", code(&table.name));
        for name in derived {
            type_names.insert(name, owner.clone());
        }
        for name in crud {
            mutations.insert(name, owner.clone());
        }
        query_names.insert(single.clone());
        query_names.insert(list.clone());
        modules.insert(names.module.clone(), &table.name);
        served.insert(&table.name, table);
        let text_columns = table
            .columns
            .iter()
            .filter_map(|c| Some((c.name.clone(), types::read_as_text(c.ty.as_ref())?)))
            .collect();
        plan.tables.push(TablePlan {
            name: table.name.clone(),
            module: names.module,
            type_name,
            single,
            list,
            read_only,
            nominal_key,
            text_columns,
            left_out: table.left_out.clone(),
            schema: table.schema.clone().filter(|s| s != "public"),
        });
    }
    plan.tables.sort_by(|a, b| a.name.cmp(&b.name));
    plan.skipped_tables.sort();

    // One-to-one foreign keys, with their default names.
    struct Candidate<'a> {
        fk: &'a ForeignKey,
        target: &'a Table,
        kind: Kind,
    }
    let mut candidates = Vec::new();
    let read_only: BTreeMap<String, String> = plan
        .tables
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.read_only.clone()?)))
        .collect();
    for target in tables.iter().filter(|t| filter.admits(&t.name)) {
        for fk in &target.foreign_keys {
            let what = describe(target, fk);
            let ends = [fk.ref_table.as_str(), target.name.as_str()];
            if let Some((table, why)) = ends
                .iter()
                .find_map(|t| read_only.get(*t).map(|why| (t, why)))
            {
                plan.skipped_relations
                    .push((what, format!("{} is served read-only ({why})", code(table))));
                continue;
            }
            let key = Overrides::relation_key(&target.name, &fk.columns.join(","));
            if filter.overrides.relations.get(&key).is_some_and(|o| o.skip) {
                plan.skipped_relations
                    .push((what, "skipped by the overrides file".to_owned()));
                continue;
            }
            match classify(target, fk, &served) {
                Ok(kind) => candidates.push(Candidate { fk, target, kind }),
                Err(reason) => plan.skipped_relations.push((what, reason)),
            }
        }
    }
    let default_names = |c: &Candidate| {
        (
            singular(&c.target.name).to_lower_camel_case(),
            inverse_name(c.fk),
        )
    };
    // The names the overrides file gives a relation (field, inverse).
    let asked_names = |c: &Candidate| {
        filter
            .overrides
            .relations
            .get(&Overrides::relation_key(&c.target.name, &c.fk.columns[0]))
            .map(|o| (o.field.clone(), o.inverse.clone()))
            .unwrap_or_default()
    };
    // Fields each type has before associations: its columns, `id`, `rowId`.
    let column_fields = |table: &Table| -> Vec<String> {
        ["id".to_owned(), "rowId".to_owned()]
            .into_iter()
            .chain(table.columns.iter().map(|c| names::graphql_field(&c.name)))
            .collect()
    };
    let mut taken: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for table in served.values() {
        let fields = taken.entry(&table.name).or_default();
        for name in column_fields(table) {
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
        final_names
            .entry(&table.name)
            .or_default()
            .extend(column_fields(table));
    }
    let type_of = |table: &str| {
        plan.tables
            .iter()
            .find(|t| t.name == table)
            .map(|t| t.type_name.clone())
            .unwrap_or_default()
    };
    let mut subscriptions: BTreeSet<String> = BTreeSet::new();
    let mut constants: BTreeSet<String> = BTreeSet::new();
    let mut relations = Vec::new();
    for c in &candidates {
        let what = describe(c.target, c.fk);
        let (field, inverse) = default_names(c);
        let clash = |table: &str, name: &String| {
            taken
                .get(table)
                .and_then(|fields| fields.get(name))
                .is_some_and(|n| *n > 1)
        };
        // A self-reference is named after its column too: its payloads
        // hold the source and the target, of one type.
        let (field, inverse) = if clash(&c.fk.ref_table, &field)
            || clash(&c.target.name, &inverse)
            || c.target.name == c.fk.ref_table
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
        // The overrides file's names, checked below as made ones are.
        let (asked_field, asked_inverse) = asked_names(c);
        let (field, inverse) = (
            asked_field.unwrap_or(field),
            asked_inverse.unwrap_or(inverse),
        );
        let (source_type, target_type) = (type_of(&c.fk.ref_table), type_of(&c.target.name));
        if let Some(reason) = relation_problem(
            &field,
            &inverse,
            &source_type,
            &type_names,
            &mutations,
            &subscriptions,
        ) {
            plan.skipped_relations.push((what, reason));
            continue;
        }
        if final_names
            .get(c.fk.ref_table.as_str())
            .is_some_and(|names| names.contains(&field))
        {
            plan.skipped_relations.push((
                what,
                format!(
                    "{} would be declared twice",
                    code(&format!("{source_type}.{field}"))
                ),
            ));
            continue;
        }
        if final_names
            .get(c.target.name.as_str())
            .is_some_and(|names| names.contains(&inverse))
            || (c.target.name == c.fk.ref_table && field == inverse)
        {
            plan.skipped_relations.push((
                what,
                format!(
                    "{} would be declared twice",
                    code(&format!("{target_type}.{inverse}"))
                ),
            ));
            continue;
        }
        final_names
            .entry(&c.fk.ref_table)
            .or_default()
            .insert(field.clone());
        final_names
            .entry(&c.target.name)
            .or_default()
            .insert(inverse.clone());
        let assoc = names::pascal(&field);
        let owner = format!(
            "the association {}",
            code(&format!("{source_type}.{field}"))
        );
        for name in [
            format!("Set{source_type}{assoc}Payload"),
            format!("Create{source_type}{assoc}Payload"),
            format!("{source_type}{assoc}Change"),
        ] {
            type_names.insert(name, owner.clone());
        }
        for verb in ["set", "create"] {
            mutations.insert(format!("{verb}{source_type}{assoc}"), owner.clone());
        }
        subscriptions.insert(format!(
            "{}{assoc}Changed",
            names::graphql_field(&source_type)
        ));
        let stem = format!("{}_{}", singular(&c.fk.ref_table), field.to_snake_case())
            .to_shouty_snake_case();
        let constant = (1..)
            .map(|n| {
                if n == 1 {
                    stem.clone()
                } else {
                    format!("{stem}_{n}")
                }
            })
            .find(|name| !constants.contains(name))
            .unwrap_or_default();
        constants.insert(constant.clone());
        // Every column of a served table has a field (`table_names`).
        let variant = |column: &str| {
            names::field(column)
                .map(|field| names::column_variant(&field))
                .unwrap_or_default()
        };
        let source_key = &c.fk.ref_columns[0];
        relations.push(Relation {
            constant,
            source: c.fk.ref_table.clone(),
            target: c.target.name.clone(),
            source_key: source_key.clone(),
            foreign_key: c.fk.columns[0].clone(),
            source_key_variant: variant(source_key),
            foreign_key_variant: variant(&c.fk.columns[0]),
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
    plan.relations = relations;
    let has_table = |name: &str| tables.iter().any(|t| t.name == name);
    for name in filter.overrides.tables.keys() {
        if !has_table(name) {
            plan.unused_overrides.push(format!(
                "table {}: the database has no such table",
                code(name)
            ));
        }
    }
    for key in filter.overrides.relations.keys() {
        let found = tables.iter().any(|t| {
            t.foreign_keys
                .iter()
                .any(|fk| Overrides::relation_key(&t.name, &fk.columns.join(",")) == *key)
        });
        if !found {
            plan.unused_overrides.push(format!(
                "relation {}: the database has no such foreign key",
                code(key)
            ));
        }
    }
    plan
}

/// Why an association of source type `source_type` named `field` (inverse
/// `inverse`) cannot be declared, if it cannot: a name that is no GraphQL
/// name, its payloads with one field twice, or a type, mutation or
/// subscription of it already taken.
fn relation_problem(
    field: &str,
    inverse: &str,
    source_type: &str,
    type_names: &BTreeMap<String, String>,
    mutations: &BTreeMap<String, String>,
    subscriptions: &BTreeSet<String>,
) -> Option<String> {
    if let Err(why) = names::graphql_name(field).and_then(|()| names::graphql_name(inverse)) {
        return Some(format!("no GraphQL field can be named after it: {why}"));
    }
    // Its payloads and changes have the fields `<source>`, `<field>` and
    // `previous`.
    let source_field = names::graphql_field(source_type);
    if field == source_field || field == "previous" || source_field == "previous" {
        return Some(format!(
            "its payloads would have two fields {}",
            code(if field == "previous" || source_field == "previous" {
                "previous"
            } else {
                field
            })
        ));
    }
    let assoc = names::pascal(field);
    for name in [
        format!("Set{source_type}{assoc}Payload"),
        format!("Create{source_type}{assoc}Payload"),
        format!("{source_type}{assoc}Change"),
    ] {
        if let Some(owner) = type_names.get(&name) {
            return Some(format!(
                "its GraphQL type {} is taken by {owner}",
                code(&name)
            ));
        }
    }
    for verb in ["set", "create"] {
        let name = format!("{verb}{source_type}{assoc}");
        if let Some(owner) = mutations.get(&name) {
            return Some(format!("its mutation {} is taken by {owner}", code(&name)));
        }
    }
    let subscription = format!("{source_field}{assoc}Changed");
    if subscriptions.contains(&subscription) {
        return Some(format!(
            "its subscription {} is taken by another association",
            code(&subscription)
        ));
    }
    None
}

/// A foreign key as reports show it: `` `stores(manager_id)` →
/// `employees(id)` `` (names in [`plain`] text, in code spans).
fn describe(table: &Table, fk: &ForeignKey) -> String {
    let columns = |names: &[String]| {
        names
            .iter()
            .map(|n| plain(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "`{}({})` → `{}({})`",
        plain(&table.name),
        columns(&fk.columns),
        plain(&fk.ref_table),
        columns(&fk.ref_columns)
    )
}

/// `table.column` in a code span.
fn column_code(table: &str, column: &str) -> String {
    format!("`{}.{}`", plain(table), plain(column))
}

/// SeaORM's composite keys are tuples of at most this many columns.
const MAX_KEY_COLUMNS: usize = 12;

/// Why a table is served read-only, if it is: a view, no primary key, a
/// composite one, one of a type hasone's ids do not take. `Err`: why it
/// cannot be served at all.
fn read_only_reason(table: &Table) -> Result<Option<String>, String> {
    let view = match table.kind {
        Relkind::View => Some("a view"),
        Relkind::MaterializedView => Some("a materialized view"),
        Relkind::Table | Relkind::Partitioned => None,
    };
    if let Some(view) = view {
        return Ok(Some(view.to_owned()));
    }
    Ok(match table.primary_key.as_slice() {
        [] => Some("no primary key".to_owned()),
        [pk] => id_problem(table.column(pk).and_then(|c| c.ty.as_ref()))
            .map(|why| format!("primary key {} {why}", code(pk))),
        many if many.len() > MAX_KEY_COLUMNS => {
            return Err(format!(
                "a primary key of {} columns (SeaORM's keys have at most {MAX_KEY_COLUMNS})",
                many.len()
            ));
        }
        many => Some(format!(
            "composite primary key ({}): hasone's ids are one column yet",
            many.iter().map(|c| code(c)).collect::<Vec<_>>().join(", ")
        )),
    })
}

/// The column a table without a primary key names its entity's key: the
/// first that SeaORM can type as one (not an enum, not JSON); `Err` when
/// none can.
fn nominal_key(table: &Table) -> Result<Option<String>, String> {
    if !table.primary_key.is_empty() {
        return Ok(None);
    }
    table
        .columns
        .iter()
        .find(|c| {
            !matches!(
                c.ty,
                Some(ColumnType::Enum { .. } | ColumnType::Json | ColumnType::JsonBinary)
            )
        })
        .map(|c| Some(c.name.clone()))
        .ok_or_else(|| {
            "no primary key, and no column SeaORM can name one (every column is an enum or JSON)"
                .to_owned()
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
        return Err(format!("{} is not served", code(&fk.ref_table)));
    };
    if !served.contains_key(target.name.as_str()) {
        return Err(format!("{} is not served", code(&target.name)));
    }
    let [key] = fk.ref_columns.as_slice() else {
        return Err(format!(
            "it references {} columns of {}",
            fk.ref_columns.len(),
            code(&fk.ref_table)
        ));
    };
    if !source.is_unique(std::slice::from_ref(key)) {
        return Err(format!("{} is not unique", column_code(&source.name, key)));
    }
    if target.primary_key == [column.clone()] {
        return Ok(Kind::SharedKey);
    }
    if !target.is_unique(std::slice::from_ref(column)) {
        return Err(format!(
            "one-to-many: {} has no unique constraint",
            column_code(&target.name, column)
        ));
    }
    let key_ty = source.column(key).and_then(|c| c.ty.as_ref());
    let fk_ty = target.column(column).and_then(|c| c.ty.as_ref());
    if !same_family(key_ty, fk_ty) {
        return Err(format!(
            "{} ({}) cannot hold {} ({})",
            column_code(&target.name, column),
            plain(&format!("{fk_ty:?}")),
            column_code(&source.name, key),
            plain(&format!("{key_ty:?}")),
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

    use crate::model::Column;

    /// A table with an integer primary key `id` and nullable integer
    /// `columns`.
    fn table(name: &str, columns: &[&str]) -> Table {
        Table {
            name: name.to_owned(),
            schema: None,
            kind: Relkind::Table,
            columns: std::iter::once("id")
                .chain(columns.iter().copied())
                .map(|c| Column {
                    name: c.to_owned(),
                    ty: Some(ColumnType::Integer),
                    nullable: c != "id",
                })
                .collect(),
            primary_key: vec!["id".to_owned()],
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            left_out: Vec::new(),
        }
    }

    /// `table` with a unique foreign key `column` to `to(id)`.
    fn with_unique_fk(mut table: Table, column: &str, to: &str) -> Table {
        table.columns.push(Column {
            name: column.to_owned(),
            ty: Some(ColumnType::Integer),
            nullable: true,
        });
        table.uniques.push(vec![column.to_owned()]);
        table.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec![column.to_owned()],
            ref_table: to.to_owned(),
            ref_columns: vec!["id".to_owned()],
            on_delete: None,
        });
        table
    }

    #[test]
    fn the_overrides_file_renames_and_skips() {
        let overrides: Overrides = serde_json::from_str(
            r#"{
                "tables": {
                    "profiles": { "type": "Bio", "single": "bio", "list": "bios" },
                    "logs": { "skip": true },
                    "ghosts": { "type": "Ghost" },
                    "badges": { "type": "2Bad" }
                },
                "relations": {
                    "profiles.user_id": { "field": "bio", "inverse": "owner" },
                    "carts.user_id": { "skip": true },
                    "profiles.nobody_id": { "field": "x" }
                }
            }"#,
        )
        .expect("overrides");
        let tables = [
            table("users", &[]),
            with_unique_fk(table("profiles", &[]), "user_id", "users"),
            with_unique_fk(table("carts", &[]), "user_id", "users"),
            table("logs", &[]),
            table("badges", &[]),
        ];
        let plan = plan(
            &tables,
            &Filter {
                overrides,
                ..Filter::default()
            },
        );
        let profiles = plan
            .tables
            .iter()
            .find(|t| t.name == "profiles")
            .expect("profiles");
        assert_eq!(
            (
                profiles.type_name.as_str(),
                profiles.single.as_str(),
                profiles.list.as_str()
            ),
            ("Bio", "bio", "bios")
        );
        assert_eq!(reason(&plan, "logs"), "skipped by the overrides file");
        assert!(reason(&plan, "badges").contains("`2Bad`"), "{plan:?}");
        let relations: Vec<(&str, &str, &str)> = plan
            .relations
            .iter()
            .map(|r| (r.target.as_str(), r.field.as_str(), r.inverse.as_str()))
            .collect();
        assert_eq!(relations, [("profiles", "bio", "owner")]);
        assert!(
            plan.skipped_relations
                .iter()
                .any(|(what, why)| what.starts_with("`carts(user_id)`")
                    && why == "skipped by the overrides file"),
            "{:?}",
            plan.skipped_relations
        );
        assert_eq!(
            plan.unused_overrides,
            [
                "table `ghosts`: the database has no such table",
                "relation `profiles.nobody_id`: the database has no such foreign key"
            ]
        );
    }

    fn served(plan: &Plan) -> Vec<&str> {
        plan.tables.iter().map(|t| t.name.as_str()).collect()
    }

    fn reason<'a>(plan: &'a Plan, table: &str) -> &'a str {
        plan.skipped_tables
            .iter()
            .find(|(t, _)| t == table)
            .map_or("(served)", |(_, why)| why.as_str())
    }

    #[test]
    fn hostile_names_are_served_escaped_or_skipped_with_their_reason() {
        let injected = "owner_id\npub fn injected() {}\n//";
        let tables = [
            table("self", &["type", "__typename", "display name"]),
            with_unique_fk(table("crate", &["match"]), "self_id", "self"),
            table("Self", &[]),
            table("super", &[]),
            table("mod", &[]),
            table("2fa", &[]),
            table("__", &[]),
            table("café", &[]),
            table("queries", &[]),
            table("strings", &[]),
            table("nodes", &[]),
            table("digits", &["2col"]),
            table("bidi", &["a\u{202e}b"]),
            table("keys", &["super"]),
            table("gens", &["gen"]),
            table("pets", &[injected]),
            table("cases", &["a1", "a_1"]),
            table("rows", &["row_id"]),
            table("user_profiles", &["x"]),
            table("UserProfiles", &["x"]),
        ];
        let plan = plan(&tables, &Filter::default());
        assert_eq!(served(&plan), ["crate", "self", "user_profiles"]);
        for (table, why) in [
            ("Self", "`self_` is taken by table `self`"),
            ("UserProfiles", "taken by table `user_profiles`"),
            ("nodes", "GraphQL type `Node` is taken by hasone"),
            ("super", "`r#super`, which cannot be a raw identifier"),
            ("mod", "`mod.rs`"),
            ("2fa", "`2fa` starts with a digit"),
            ("__", "no letters or digits"),
            ("café", "`café` is not ASCII"),
            ("queries", "GraphQL type `Query` is taken by hasone"),
            ("strings", "GraphQL type `String` is taken by hasone"),
            ("digits", "column `2col`"),
            ("bidi", "column `a\\u{202e}b`"),
            ("keys", "column `super`"),
            ("gens", "a keyword in Rust 2024"),
            (
                "pets",
                "column `owner_id\\npub fn injected() {}\\n//` gives no GraphQL field",
            ),
            (
                "cases",
                "columns `a1` and `a_1` would both be the `Column` variant `A1`",
            ),
            ("rows", "column `row_id` would be the GraphQL field `rowId`"),
        ] {
            assert!(
                reason(&plan, table).contains(why),
                "{table}: {}",
                reason(&plan, table)
            );
        }
        for (what, why) in plan.skipped_tables.iter().chain(&plan.skipped_relations) {
            assert!(!why.contains(['\n', '\r', '\u{202e}']), "{what}: {why}");
            assert!(!what.contains(['\n', '\r', '\u{202e}']), "{what}");
        }
        let relation = &plan.relations[0];
        assert_eq!(
            (relation.field.as_str(), relation.inverse.as_str()),
            ("crate", "self")
        );
        assert_eq!(relation.constant, "SELF_CRATE");
        assert_eq!(
            (
                relation.source_key_variant.as_str(),
                relation.foreign_key_variant.as_str()
            ),
            ("Id", "SelfId")
        );
        let self_ = &plan.tables[1];
        assert_eq!(
            (
                self_.module.as_str(),
                self_.type_name.as_str(),
                self_.single.as_str(),
                self_.list.as_str()
            ),
            ("self_", "Self", "self", "selfList")
        );
    }

    #[test]
    fn keys_of_every_integer_width_are_served_others_read_only() {
        for ty in [
            ColumnType::TinyInteger,
            ColumnType::SmallInteger,
            ColumnType::Integer,
            ColumnType::BigInteger,
            ColumnType::TinyUnsigned,
            ColumnType::SmallUnsigned,
            ColumnType::Unsigned,
            ColumnType::BigUnsigned,
        ] {
            let mut keyed = table("keys", &[]);
            keyed.columns[0].ty = Some(ty.clone());
            assert_eq!(
                served(&plan(&[keyed], &Filter::default())),
                ["keys"],
                "{ty:?}"
            );
        }
        // A key hasone's ids do not take: served, read-only.
        let mut keyed = table("keys", &[]);
        keyed.columns[0].ty = Some(ColumnType::Double);
        let plan = plan(&[keyed], &Filter::default());
        assert_eq!(served(&plan), ["keys"]);
        let why = plan.tables[0].read_only.as_deref().unwrap_or_default();
        assert!(why.contains("not an integer, text or UUID"), "{why}");
        assert_eq!(plan.tables[0].nominal_key, None);
    }

    #[test]
    fn relations_whose_graphql_names_are_taken_are_skipped() {
        let users = table("users", &[]);
        let profiles = with_unique_fk(table("profiles", &[]), "user_id", "users");
        // `User.profile` has `createUserProfile` and `UserProfileChange`.
        let with = |other: &str| {
            plan(
                &[users.clone(), profiles.clone(), table(other, &[])],
                &Filter::default(),
            )
        };
        let plan_a = with("user_profiles");
        assert!(plan_a.relations.is_empty());
        assert!(
            plan_a.skipped_relations[0]
                .1
                .contains("mutation `createUserProfile` is taken by table `user_profiles`"),
            "{:?}",
            plan_a.skipped_relations
        );
        let plan_b = with("user_profile_changes");
        assert!(
            plan_b.skipped_relations[0].1.contains(
                "GraphQL type `UserProfileChange` is taken by table `user_profile_changes`"
            ),
            "{:?}",
            plan_b.skipped_relations
        );
        // A target named `previous` would give its payloads `previous` twice.
        let plan_c = plan(
            &[
                users.clone(),
                with_unique_fk(table("previous", &[]), "user_id", "users"),
            ],
            &Filter::default(),
        );
        assert!(
            plan_c.skipped_relations[0]
                .1
                .contains("two fields `previous`"),
            "{:?}",
            plan_c.skipped_relations
        );
        assert_eq!(with("orders").relations.len(), 1);
    }

    #[test]
    fn a_foreign_key_named_after_a_role_names_the_inverse() {
        let tables = [
            table("staff", &[]),
            with_unique_fk(table("stores", &[]), "manager_staff_id", "staff"),
            table("customers", &[]),
            with_unique_fk(table("carts", &[]), "customer_id", "customers"),
            table("users", &[]),
            with_unique_fk(table("desks", &[]), "owner_id", "users"),
        ];
        let plan = plan(&tables, &Filter::default());
        let names: Vec<(&str, &str, &str)> = plan
            .relations
            .iter()
            .map(|r| (r.source.as_str(), r.field.as_str(), r.inverse.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("staff", "store", "managerStaff"),
                ("customers", "cart", "customer"),
                ("users", "desk", "owner"),
            ]
        );
    }

    #[test]
    fn column_types_are_the_librarys_list() {
        use hasone_graphql::value::ColumnKind;
        use sea_orm::sea_query::{Alias, IntoIden, StringLen};
        let enumeration = ColumnType::Enum {
            name: Alias::new("mood").into_iden(),
            variants: vec![Alias::new("PG-13").into_iden()],
        };
        for ty in [
            ColumnType::String(StringLen::None),
            ColumnType::Array(sea_orm::sea_query::RcOrArc::new(ColumnType::Integer)),
            ColumnType::Year,
            ColumnType::Money(None),
            ColumnType::JsonBinary,
            ColumnType::Interval(None, None),
            ColumnType::custom("inet"),
            enumeration,
        ] {
            let mut typed = table("typed", &["value"]);
            typed.columns[1].ty = Some(ty.clone());
            let plan = plan(&[typed], &Filter::default());
            // Never a reason to skip the table: a type the library does not
            // serve is read as text (and money, which sqlx reads otherwise).
            assert_eq!(served(&plan), ["typed"], "{ty:?}");
            assert_eq!(plan.tables[0].read_only, None, "{ty:?}");
            let as_text = !plan.tables[0].text_columns.is_empty();
            let library = ColumnKind::of(&ty);
            assert_eq!(
                as_text,
                matches!(library, ColumnKind::Other) || matches!(ty, ColumnType::Money(_)),
                "{ty:?}: {library:?}"
            );
        }
    }

    /// `table` with an enum column `value` of type `name` with `values`.
    fn with_enum(mut table: Table, name: &str, values: &[&str]) -> Table {
        use sea_orm::sea_query::{Alias, IntoIden};
        table.columns.push(Column {
            name: "value".to_owned(),
            ty: Some(ColumnType::Enum {
                name: Alias::new(name).into_iden(),
                variants: values.iter().map(|v| Alias::new(*v).into_iden()).collect(),
            }),
            nullable: true,
        });
        table
    }

    #[test]
    fn database_enums_are_served_unless_their_names_clash() {
        let tables = [
            with_enum(table("films", &[]), "rating", &["G", "PG-13", "1st", "a b"]),
            // The same enum on another table (PostgreSQL: one type).
            with_enum(table("games", &[]), "rating", &["G", "PG-13", "1st", "a b"]),
            // MySQL names an enum after its column: other values, one name.
            with_enum(table("shows", &[]), "rating", &["TV-Y", "TV-MA"]),
            with_enum(table("pairs", &[]), "pair", &["x-y", "x y"]),
            with_enum(table("cells", &[]), "column", &["a"]),
            with_enum(table("selfs", &[]), "self", &["a"]),
            with_enum(table("keywords", &[]), "keyword", &["Self"]),
            // Its GraphQL type would be the table `statuses`' type.
            table("statuses", &[]),
            with_enum(table("tasks", &[]), "status", &["open"]),
        ];
        let plan = plan(&tables, &Filter::default());
        assert_eq!(served(&plan), ["films", "games", "statuses"]);
        for (table, why) in [
            (
                "shows",
                "`Rating`, which the enum `rating` (other values) already is",
            ),
            (
                "pairs",
                "the values `x-y` and `x y` of the enum `pair` would both be the Rust variant `XY`",
            ),
            (
                "cells",
                "the enum `column` would be the Rust type `Column`, which an entity file has already",
            ),
            ("selfs", "the enum `self`"),
            (
                "keywords",
                "the value `Self` of the enum `keyword` would be the Rust variant `Self`",
            ),
            (
                "tasks",
                "its enum's GraphQL type `Status` is taken by table `statuses`",
            ),
        ] {
            assert!(
                reason(&plan, table).contains(why),
                "{table}: {}",
                reason(&plan, table)
            );
        }
    }

    #[test]
    fn singular_never_panics() {
        for name in ["", "s", "_", "2", "é", "a\nb", "\u{202e}"] {
            let _ = singular(name);
        }
    }
}
