//! The files of the generated project, as text: the entities from
//! sea-orm-codegen, and the declarations, the registry and the binary from
//! the plan. Nothing here reads the clock or the machine: the same plan
//! gives the same files.
//!
//! Nothing from the database is written as it is: identifiers come from
//! the plan (checked there), names in comments and Markdown go through
//! [`names::code`] and [`names::doc`]/[`names::markdown`], string literals
//! through [`names::rust_str`] and [`names::toml_str`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;

use heck::ToSnakeCase;
use sea_orm::sea_query::TableCreateStatement;
use sea_orm_codegen::{
    BannerVersion, BigIntegerType, DateTimeCrate, EntityFormat, EntityTransformer,
    EntityWriterContext, WithPrelude, WithSerde,
};

use crate::analyse::{Kind, OnDelete, Plan, TablePlan};
use crate::discover::Backend;
use crate::names::{self, code};
use crate::{Error, codegen};

/// Where the generated project finds hasone, relative to its own folder.
#[derive(Clone, Debug)]
pub struct Sources {
    /// The hasone checkout (holding `hasone/`, `hasone-graphql/`,
    /// `hasone-actix/` and `vendor/async-graphql`), as the generated
    /// `Cargo.toml` names it.
    pub hasone: String,
}

/// What the project is generated from.
pub struct Input<'a> {
    /// The package name.
    pub name: &'a str,
    /// The database URL, password removed: the binary's default.
    pub url: &'a str,
    /// The discovered tables (all of them: the entities are written for the
    /// served ones).
    pub statements: &'a [TableCreateStatement],
    /// The plan.
    pub plan: &'a Plan,
    /// Where hasone is.
    pub sources: &'a Sources,
}

/// The project's files, by path relative to its folder.
pub fn files(input: &Input) -> Result<BTreeMap<String, String>, Error> {
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), cargo_toml(input));
    files.insert("README.md".to_owned(), readme(input));
    files.insert(".gitignore".to_owned(), "/target\n".to_owned());
    files.insert("src/main.rs".to_owned(), main_rs(input));
    files.insert("src/associations.rs".to_owned(), associations_rs(input));
    for (name, content) in entities(input)? {
        files.insert(format!("src/entities/{name}"), content);
    }
    Ok(files)
}

/// sea-orm-codegen's entities for the served tables, each in the file of
/// its module (`self_.rs` for `pub mod self_;`). Foreign keys to tables
/// that are not served are left out of its input, so that no `Relation`
/// names a missing entity; so are those it cannot name (see
/// [`codegen_relations`]).
fn entities(input: &Input) -> Result<Vec<(String, String)>, Error> {
    let served: Vec<&str> = input.plan.tables.iter().map(|t| t.name.as_str()).collect();
    let related = codegen_relations(&served);
    let name_of = |s: &TableCreateStatement| {
        s.get_table_name()
            .map(|n| n.sea_orm_table().to_string())
            .unwrap_or_default()
    };
    let plan_of = |s: &TableCreateStatement| {
        let name = name_of(s);
        input.plan.tables.iter().find(|t| t.name == name)
    };
    let statements: Vec<TableCreateStatement> = input
        .statements
        .iter()
        .filter_map(|s| {
            Some(codegen::prepare(
                &keep_foreign_keys(s, &related),
                plan_of(s)?,
            ))
        })
        .collect();
    // Whether a table's nominal key is nullable: its field a `NullableKey`.
    let nullable_key: BTreeMap<String, bool> = statements
        .iter()
        .filter_map(|s| {
            let key = plan_of(s)?.nominal_key.as_ref()?;
            let column = s
                .get_columns()
                .iter()
                .find(|c| c.get_column_name() == *key)?;
            Some((name_of(s), column.get_column_spec().nullable != Some(false)))
        })
        .collect();
    let backend = Backend::of(input.url)?;
    let context = EntityWriterContext::new(
        EntityFormat::Compact,
        WithPrelude::None,
        WithSerde::None,
        false,
        DateTimeCrate::Chrono,
        BigIntegerType::I64,
        None,
        false,
        false,
        false,
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        false,
        true,
        BannerVersion::Off,
    );
    // The plan gives sea-orm-codegen only names it can write (it panics on
    // others, `quote`'s "is not a valid Ident"); should one still get
    // through, that is an error naming the tables, not a panic.
    let output = std::panic::catch_unwind(AssertUnwindSafe(|| {
        EntityTransformer::transform(statements).map(|writer| writer.generate(&context))
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        Error::Codegen(format!(
            "sea-orm-codegen failed on a name hasone generate did not foresee ({}); leave the table out with --skip-tables and please report it. Tables: {}",
            names::plain(message),
            served
                .iter()
                .map(|t| code(t))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?
    .map_err(|e| Error::Codegen(names::plain(&e.to_string())))?;
    // sea-orm-codegen names a file after the table in snake case, and
    // declares its module escaped: `self.rs` for `pub mod self_;`.
    let file_of: BTreeMap<String, (String, &TablePlan)> = input
        .plan
        .tables
        .iter()
        .map(|t| {
            (
                format!("{}.rs", t.name.to_snake_case()),
                (names::module_file(&t.module), t),
            )
        })
        .collect();
    output
        .files
        .into_iter()
        .map(|f| match file_of.get(&f.name) {
            Some((file, table)) => {
                let nullable = nullable_key.get(&table.name).copied().unwrap_or(false);
                codegen::finish(&f.content, table, nullable, backend)
                    .map(|content| (file.clone(), content))
                    .map_err(|why| {
                        Error::Codegen(format!(
                            "the entity of {}: {}",
                            code(&table.name),
                            names::plain(&why)
                        ))
                    })
            }
            None => Ok((f.name, f.content)),
        })
        .collect()
}

/// The served tables whose foreign keys among each other sea-orm-codegen
/// is given: those whose `Relation` variant (the table's name in Pascal
/// case, unescaped) is a valid one that no other relation of theirs can
/// have. Left out: a table named `self` (its variant would be `Self`),
/// `self_ref` (`SelfRef` is a self-reference's), and one whose variant
/// is another's with a number (`customers2` is the second relation to
/// `customers`). Their entities have no SeaORM relations; hasone's
/// associations do not use them.
fn codegen_relations<'a>(served: &[&'a str]) -> BTreeSet<&'a str> {
    let variants: BTreeSet<String> = served.iter().map(|t| names::relation_variant(t)).collect();
    served
        .iter()
        .copied()
        .filter(|table| {
            let variant = names::relation_variant(table);
            let unnumbered = variant.trim_end_matches(|c: char| c.is_ascii_digit());
            names::rust_ident(&variant).as_ref() == Ok(&variant)
                && !["Self", "SelfRef"].contains(&unnumbered)
                && (unnumbered == variant || !variants.contains(unnumbered))
        })
        .collect()
}

/// `statement` with only the foreign keys between tables of `related`
/// (none when it is not one of them).
fn keep_foreign_keys(
    statement: &TableCreateStatement,
    related: &BTreeSet<&str>,
) -> TableCreateStatement {
    let own = statement
        .get_table_name()
        .is_some_and(|n| related.contains(n.sea_orm_table().to_string().as_str()));
    crate::model::rebuild(
        statement,
        |column| Some(column.clone()),
        |fk| {
            own && fk
                .get_foreign_key()
                .get_ref_table()
                .is_some_and(|t| related.contains(t.sea_orm_table().to_string().as_str()))
        },
    )
}

fn cargo_toml(input: &Input) -> String {
    let path = |crate_: &str| names::toml_str(&format!("{}/{crate_}", input.sources.hasone));
    format!(
        r#"# Generated by `hasone generate`; run it again to follow the database.
[package]
name = {name}
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
hasone = {{ path = {hasone} }}
hasone-graphql = {{ path = {hasone_graphql} }}
hasone-actix = {{ path = {hasone_actix} }}
sea-orm = {{ version = "2.0.4", default-features = false, features = [
    "macros",
    "runtime-tokio",
    "sqlx-sqlite",
    "sqlx-postgres",
    "sqlx-mysql",
    "sqlite-use-returning-for-3_35",
    "with-uuid",
    "with-chrono",
    "with-json",
    "with-rust_decimal",
] }}
async-graphql = {{ version = "7.2.1", default-features = false }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "signal", "time"] }}
clap = {{ version = "4.5", features = ["derive", "env"] }}
tracing = "0.1"

# hasone's patch of async-graphql (a failed nullable field is null, fields
# answer in selection order): see vendor/README.md in hasone.
[patch.crates-io]
async-graphql = {{ path = {async_graphql} }}

[profile.release]
codegen-units = 16
lto = "thin"

[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
opt-level = 1

# A project of its own, also when generated inside another workspace.
[workspace]
"#,
        name = names::toml_str(input.name),
        hasone = path("hasone"),
        hasone_graphql = path("hasone-graphql"),
        hasone_actix = path("hasone-actix"),
        async_graphql = path("vendor/async-graphql"),
    )
}

/// `` `User.hasOne(Profile, { as: 'profile', sourceKey: 'id', foreignKey: 'user_id' })` ``:
/// a code span, the database's names in [`names::plain`] text.
fn sequelize(input: &Input, r: &crate::analyse::Relation) -> String {
    let type_of = |table: &str| {
        input
            .plan
            .tables
            .iter()
            .find(|t| t.name == table)
            .map_or(table.to_owned(), |t| t.type_name.clone())
    };
    format!(
        "`{}.hasOne({}, {{ as: '{}', sourceKey: '{}', foreignKey: '{}' }})`",
        names::plain(&type_of(&r.source)),
        names::plain(&type_of(&r.target)),
        names::plain(&r.field),
        names::plain(&r.source_key),
        names::plain(&r.foreign_key)
    )
}

/// The entity module of a served table (the plan's; empty for another).
fn module_of(input: &Input, table: &str) -> String {
    input
        .plan
        .tables
        .iter()
        .find(|t| t.name == table)
        .map(|t| t.module.clone())
        .unwrap_or_default()
}

fn associations_rs(input: &Input) -> String {
    let mut out = String::from(
        "//! The has-one associations found in the database: one declaration\n//! each, registered in `main.rs`.\n\n#[allow(unused_imports)]\nuse hasone::{HasOne, OnDelete};\n\n#[allow(unused_imports)]\nuse crate::entities;\n",
    );
    for r in &input.plan.relations {
        let (source, target) = (module_of(input, &r.source), module_of(input, &r.target));
        let behaviour = match r.kind {
            Kind::Nullable => "a nullable unique foreign key: `set` moves it, `null` unlinks",
            Kind::NotNull => {
                "a `NOT NULL` unique foreign key: a new target deletes the previous one, unlinking is refused"
            }
            Kind::SharedKey => {
                "the target's primary key is the foreign key: `create` replaces the target, `set` cannot move one"
            }
        };
        let mut declaration = format!(
            "HasOne::new({}, entities::{source}::Column::{}, entities::{target}::Column::{})",
            names::rust_str(&r.field),
            r.source_key_variant,
            r.foreign_key_variant
        );
        let source_type = input
            .plan
            .tables
            .iter()
            .find(|t| t.name == r.source)
            .map(|t| t.type_name.as_str())
            .unwrap_or_default();
        // hasone-graphql's default inverse: the source type in camel case.
        if r.inverse != names::graphql_field(source_type) {
            let _ = write!(declaration, ".inverse({})", names::rust_str(&r.inverse));
        }
        if let Some(on_delete) = r.on_delete {
            let _ = write!(
                declaration,
                ".on_delete(OnDelete::{})",
                match on_delete {
                    OnDelete::Cascade => "Cascade",
                    OnDelete::SetNull => "SetNull",
                }
            );
        }
        let _ = write!(
            out,
            "\n/// {}\npub const {}: HasOne<entities::{source}::Entity, entities::{target}::Entity> = {declaration};\n",
            names::doc(&format!("{}: {behaviour}.", sequelize(input, r))),
            r.constant,
        );
    }
    out
}

fn main_rs(input: &Input) -> String {
    let mut registry = String::new();
    for t in &input.plan.tables {
        let _ = match t.read_only {
            Some(_) => write!(
                registry,
                "\n                .read_only(Exposed::<entities::{}::Entity>::new({}).list({}))",
                t.module,
                names::rust_str(&t.type_name),
                names::rust_str(&t.list)
            ),
            None => write!(
                registry,
                "\n                .entity(Exposed::<entities::{}::Entity>::new({}).queries({}, {}))",
                t.module,
                names::rust_str(&t.type_name),
                names::rust_str(&t.single),
                names::rust_str(&t.list)
            ),
        };
    }
    for r in &input.plan.relations {
        let _ = write!(
            registry,
            "\n                .has_one(&associations::{})",
            r.constant
        );
    }
    let tab = match input.plan.tables.iter().find(|t| t.read_only.is_none()) {
        Some(t) => {
            let nested: String = input
                .plan
                .relations
                .iter()
                .filter(|r| r.source == t.name)
                .map(|r| format!(" {} {{ id }}", r.field))
                .collect();
            format!(
                "{{\n  {}(first: 10) {{\n    totalCount\n    edges {{ node {{ id{nested} }} }}\n  }}\n}}\n",
                t.list
            )
        }
        None => "{ __typename }\n".to_owned(),
    };
    format!(
        r#"//! {generated}: every table with a
//! primary key as a GraphQL type, every one-to-one foreign key as a has-one
//! association (`associations.rs`), served with hasone's settings
//! (`--help`).

mod associations;
mod entities;

use async_graphql::{{MergedObject, MergedSubscription, Schema}};
use clap::Parser;
use hasone_actix::{{AppState, Application, Graphiql, Pool, Settings}};
use hasone_graphql::{{App, Exposed, Mutations, Queries, Registry, Subscriptions}};

/// The database it was generated from (without a password: give one
/// with `DATABASE_URL`).
const DEFAULT_DATABASE_URL: &str = {url};

/// The application's name.
const NAME: &str = {name};

/// The tables and associations served.
struct Generated;

impl App for Generated {{
    fn declare(registry: &mut Registry) {{
        registry{registry};
    }}
}}

/// Reads: `node(id:)`, and a row and a page of every table.
#[derive(MergedObject, Default)]
struct QueryRoot(Queries<Generated>);

/// Writes: `set*` and `create*` of every association, `create*`,
/// `update*` and `delete*` of every table.
#[derive(MergedObject, Default)]
struct MutationRoot(Mutations<Generated>);

/// Changes: `<source><Assoc>Changed` of every association, over WebSocket.
#[derive(MergedSubscription, Default)]
struct SubscriptionRoot(Subscriptions<Generated>);

#[derive(Parser)]
#[command(name = NAME, about = "GraphQL over the database, by hasone")]
struct Cli {{
    #[command(flatten)]
    settings: Settings,
}}

#[tokio::main]
async fn main() -> std::process::ExitCode {{
    let cli = Cli::parse();
    hasone_actix::telemetry::init(cli.settings.log_format);
    match serve(&cli.settings).await {{
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {{
            eprintln!("{{NAME}}: {{err}}");
            std::process::ExitCode::FAILURE
        }}
    }}
}}

async fn serve(settings: &Settings) -> Result<(), Box<dyn std::error::Error>> {{
    let pool = Pool::open(settings, DEFAULT_DATABASE_URL).await?;
    let (query, mutation) = (QueryRoot::default(), MutationRoot::default());
    let schema = Schema::build(query, mutation, SubscriptionRoot::default());
    let graphiql = Graphiql::new(NAME).tab({tab});
    let app = Application::bind(settings, AppState::build(settings, &pool, schema, graphiql).await?)?;
    tracing::info!("serving GraphQL at http://{{}}/graphql", app.local_addr());
    app.run_until_stopped().await?;
    Ok(())
}}
"#,
        generated = names::doc(&format!(
            "Generated by `hasone generate` from {}",
            code(input.url)
        )),
        url = names::rust_str(input.url),
        name = names::rust_str(input.name),
        tab = names::rust_str(&tab),
    )
}

/// The found and skipped relations, as a Markdown table: one row each,
/// three cells, whatever the names (see [`names::markdown`]).
pub fn report(plan: &Plan) -> String {
    let mut out = String::from("| relation | as | result |\n| --- | --- | --- |\n");
    let row = |out: &mut String, cells: [&str; 3]| {
        let cells: Vec<String> = cells.iter().map(|c| names::markdown(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    };
    let type_of = |table: &str| -> String {
        plan.tables
            .iter()
            .find(|t| t.name == table)
            .map_or_else(|| table.to_owned(), |t| t.type_name.clone())
    };
    for r in &plan.relations {
        row(
            &mut out,
            [
                &format!(
                    "`{}({})` → `{}({})`",
                    names::plain(&r.target),
                    names::plain(&r.foreign_key),
                    names::plain(&r.source),
                    names::plain(&r.source_key)
                ),
                &format!(
                    "{}, inverse {}",
                    code(&format!("{}.{}", type_of(&r.source), r.field)),
                    code(&format!("{}.{}", type_of(&r.target), r.inverse))
                ),
                &format!("has-one: {}", r.kind.label()),
            ],
        );
    }
    for (what, why) in &plan.skipped_relations {
        row(&mut out, [what, "–", &format!("skipped: {why}")]);
    }
    for t in &plan.tables {
        if let Some(why) = &t.read_only {
            row(
                &mut out,
                [
                    &format!("table {}", code(&t.name)),
                    &code(&t.type_name),
                    &format!("served read-only: {why}"),
                ],
            );
        }
        for (column, ty) in &t.text_columns {
            row(
                &mut out,
                [
                    &format!("column {}", code(&format!("{}.{column}", t.name))),
                    &code(&format!("{}.{}", t.type_name, names::graphql_field(column))),
                    &format!("read-only text: {} is not served as a type yet", code(ty)),
                ],
            );
        }
        for (column, ty) in &t.left_out {
            row(
                &mut out,
                [
                    &format!("column {}", code(&format!("{}.{column}", t.name))),
                    "–",
                    &format!("left out: the database cannot cast {} to text", code(ty)),
                ],
            );
        }
    }
    for (table, why) in &plan.skipped_tables {
        row(
            &mut out,
            [
                &format!("table {}", code(table)),
                "–",
                &format!("skipped: {why}"),
            ],
        );
    }
    for what in &plan.unused_overrides {
        row(
            &mut out,
            ["overrides file", "–", &format!("unused: {what}")],
        );
    }
    out.push('\n');
    out.push_str(&counts(plan));
    out
}

/// The report's last line: tables served, tables skipped, one-to-one
/// relations found (and skipped).
pub fn counts(plan: &Plan) -> String {
    let read_only = plan.tables.iter().filter(|t| t.read_only.is_some()).count();
    format!(
        "{} served (read-write {}, read-only {read_only}), {} skipped; {} one-to-one relations served, {} skipped\n",
        count(plan.tables.len(), "table"),
        plan.tables.len() - read_only,
        plan.skipped_tables.len(),
        plan.relations.len(),
        plan.skipped_relations.len(),
    )
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn readme(input: &Input) -> String {
    format!(
        "# {name}\n\n{generated}\n\n```sh\ncargo run --release\n```\n\nserves GraphQL and GraphiQL at <http://127.0.0.1:8080/graphql> over that\ndatabase (`DATABASE_URL` and every other setting of hasone: `--help`).\nRun `hasone generate` again after the database changes (`--check` says\nwhether it has).\n\n## Tables\n\n{tables}\n## Relations\n\n{report}",
        name = names::markdown(input.name),
        generated = names::markdown(&format!(
            "Generated by `hasone generate` from {}.",
            code(input.url)
        )),
        tables = input
            .plan
            .tables
            .iter()
            .map(|t| format!(
                "- {}\n",
                names::markdown(&match &t.read_only {
                    None => format!(
                        "{}: {}, {}, {}",
                        code(&t.name),
                        code(&t.type_name),
                        code(&format!("{}(id:)", t.single)),
                        code(&format!("{}(first:, after:)", t.list))
                    ),
                    Some(why) => format!(
                        "{}: {}, {} (read-only: {why})",
                        code(&t.name),
                        code(&t.type_name),
                        code(&format!("{}(first:, after:)", t.list))
                    ),
                })
            ))
            .collect::<String>(),
        report = report(input.plan),
    )
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Alias, ColumnDef, ForeignKey, Table};

    use super::*;
    use crate::analyse::{Filter, TablePlan};
    use crate::model;

    /// A table with an integer key `id`, and a unique foreign key `column`
    /// to `to(id)`.
    fn statement(name: &str, fk: Option<(&str, &str)>) -> TableCreateStatement {
        let mut table = Table::create();
        table.table(Alias::new(name)).col(
            ColumnDef::new(Alias::new("id"))
                .integer()
                .not_null()
                .primary_key(),
        );
        if let Some((column, to)) = fk {
            table
                .col(ColumnDef::new(Alias::new(column)).integer().unique_key())
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new(name), Alias::new(column))
                        .to(Alias::new(to), Alias::new("id")),
                );
        }
        table.to_owned()
    }

    fn generate(
        statements: &[TableCreateStatement],
        plan: &Plan,
    ) -> Result<BTreeMap<String, String>, Error> {
        files(&Input {
            name: "shop",
            url: "sqlite://shop.db",
            statements,
            plan,
            sources: &Sources {
                hasone: "..".to_owned(),
            },
        })
    }

    /// A table `name` with an enum column `rating` of `values`.
    fn enum_statement(name: &str, enum_name: &str, values: &[&str]) -> TableCreateStatement {
        Table::create()
            .table(Alias::new(name))
            .col(ColumnDef::new(Alias::new("id")).integer().primary_key())
            .col(
                ColumnDef::new(Alias::new("rating"))
                    .enumeration(Alias::new(enum_name), values.iter().map(|v| Alias::new(*v)))
                    .not_null(),
            )
            .to_owned()
    }

    #[test]
    fn a_database_enum_is_written_as_sea_orm_codegen_and_the_plan_name_it() {
        let values = ["G", "PG-13", "1st", "a b", " true ", "", "$5", "a.b"];
        let statements = [enum_statement("films", "film_rating", &values)];
        let tables: Vec<model::Table> = statements.iter().filter_map(model::Table::of).collect();
        let plan = crate::analyse::plan(&tables, &Filter::default());
        assert_eq!(plan.tables.len(), 1, "{:?}", plan.skipped_tables);
        let files = generate(&statements, &plan).expect("generate");
        let enums = &files["src/entities/sea_orm_active_enums.rs"];
        let owned: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let (type_name, variants) = crate::names::enum_names("film_rating", &owned).expect("names");
        assert!(
            enums.contains(&format!("pub enum {type_name} {{")),
            "{enums}"
        );
        for (value, variant) in values.iter().zip(&variants) {
            // sea-orm-codegen's tokens, before rustfmt.
            let written = format!("# [sea_orm (string_value = {value:?})] {variant} ,");
            assert!(enums.contains(&written), "{written} in {enums}");
        }
        let films = &files["src/entities/films.rs"];
        assert!(
            films.contains(&format!("pub rating : {type_name} ,")),
            "{films}"
        );
    }

    #[test]
    fn entity_files_are_named_as_their_modules_are_declared() {
        let statements = [
            statement("crate", Some(("self_id", "self"))),
            statement("self", None),
            statement("type", None),
            statement("customers", None),
            statement("carts", Some(("customer_id", "customers"))),
            statement("customers2", Some(("customer_id", "customers"))),
        ];
        let tables: Vec<model::Table> = statements.iter().filter_map(model::Table::of).collect();
        let plan = crate::analyse::plan(&tables, &Filter::default());
        let files = generate(&statements, &plan).expect("generate");
        let entities: Vec<&str> = files
            .keys()
            .filter_map(|k| k.strip_prefix("src/entities/"))
            .collect();
        assert_eq!(
            entities,
            [
                "carts.rs",
                "crate_.rs",
                "customers.rs",
                "customers2.rs",
                "mod.rs",
                "self_.rs",
                "type.rs"
            ]
        );
        let index = &files["src/entities/mod.rs"];
        for module in ["crate_", "self_", "r#type"] {
            assert!(index.contains(&format!("pub mod {module}")), "{index}");
        }
        // sea-orm-codegen would name the key between `crate` and `self`
        // `Relation::Self`, and `customers2`'s could be the second relation
        // to `customers`: left out. `carts` keeps its own.
        assert!(!files["src/entities/crate_.rs"].contains("belongs_to"));
        assert!(!files["src/entities/self_.rs"].contains("has_one"));
        assert!(!files["src/entities/customers2.rs"].contains("belongs_to"));
        assert!(files["src/entities/carts.rs"].contains("belongs_to"));
        assert!(files["src/associations.rs"].contains(
            "HasOne::new(\"crate\", entities::self_::Column::Id, entities::crate_::Column::SelfId)"
        ));
    }

    #[test]
    fn a_name_sea_orm_codegen_cannot_take_is_an_error_not_a_panic() {
        // A plan that serves a table the analysis would skip.
        let statements = [statement("2fa", None)];
        let mut plan = Plan::default();
        plan.tables.push(TablePlan {
            name: "2fa".to_owned(),
            module: "fa".to_owned(),
            type_name: "Fa".to_owned(),
            single: "fa".to_owned(),
            list: "fas".to_owned(),
            read_only: None,
            nominal_key: None,
            text_columns: Vec::new(),
            left_out: Vec::new(),
            schema: None,
        });
        match generate(&statements, &plan) {
            Err(Error::Codegen(message)) => {
                assert!(message.contains("is not a valid Ident"), "{message}");
                assert!(message.contains("`2fa`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn generated_text_escapes_every_name() {
        let statements = [statement("owners", None)];
        let tables: Vec<model::Table> = statements.iter().filter_map(model::Table::of).collect();
        let plan = crate::analyse::plan(&tables, &Filter::default());
        let input = Input {
            name: "shop",
            url: "sqlite://a\"b\\c\n|`d`.db",
            statements: &statements,
            plan: &plan,
            sources: &Sources {
                hasone: "../a \"b\\".to_owned(),
            },
        };
        let main = main_rs(&input);
        assert!(
            main.contains("const DEFAULT_DATABASE_URL: &str = \"sqlite://a\\\"b\\\\c\\n|`d`.db\";"),
            "{main}"
        );
        assert!(main.starts_with("//! Generated by `hasone generate` from `sqlite://a\"b\\\\c\\n\\|\\u{60}d\\u{60}.db`: every table with a\n"), "{main}");
        let toml = cargo_toml(&input);
        assert!(
            toml.contains("hasone = { path = \"../a \\\"b\\\\/hasone\" }"),
            "{toml}"
        );
        let readme = readme(&input);
        assert!(
            readme.contains("from `sqlite://a\"b\\\\c\\n\\|\\u{60}d\\u{60}.db`."),
            "{readme}"
        );
    }
}
