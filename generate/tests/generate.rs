//! `hasone generate` against a live database on SQLite, PostgreSQL and
//! MariaDB: the shop of `tests/schema/` holds every kind of relation
//! (nullable unique FK, `NOT NULL` unique FK, shared primary key, one-to-
//! many, composite FK, self-reference, two FKs to one target, a table
//! without a primary key). The test generates the project, checks the
//! plan, generates again with `--check`, builds the project with the
//! workspace's target directory (only the generated crate compiles), runs
//! it, and checks over HTTP: field names, get/set/create per kind of key,
//! and the SQL statements per request from the server's log.
//!
//! `hostile::*::hostile_names` does the same for the names of
//! `tests/schema/hostile-*.sql` (issue 22): keywords, leading digits,
//! underscores only, quotes, newlines with Rust code, Markdown, unicode,
//! case-only clashes, GraphQL built-ins. Every table is served under valid,
//! escaped names or skipped with its reason; the project builds and serves,
//! and nothing from the database is code in it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use hasone_generate::analyse::Kind;
use hasone_generate::{GenerateArgs, run};
use hasone_testkit::{Backend, ProcessLog, TestDatabase, backend_tests};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The schema a test starts from.
#[derive(Clone, Copy)]
enum Fixture {
    /// The shop: every kind of relation.
    Shop,
    /// Hostile names.
    Hostile,
}

fn fixture(backend: Backend, which: Fixture) -> &'static str {
    match (which, backend) {
        (Fixture::Shop, Backend::Sqlite) => include_str!("schema/sqlite.sql"),
        (Fixture::Shop, Backend::Postgres) => include_str!("schema/postgres.sql"),
        (Fixture::Shop, Backend::Mysql) => include_str!("schema/mysql.sql"),
        (Fixture::Hostile, Backend::Sqlite) => include_str!("schema/hostile-sqlite.sql"),
        (Fixture::Hostile, Backend::Postgres) => include_str!("schema/hostile-postgres.sql"),
        (Fixture::Hostile, Backend::Mysql) => include_str!("schema/hostile-mysql.sql"),
    }
}

/// The generated server, killed when dropped.
struct Served {
    child: Child,
    log: ProcessLog,
    url: String,
    http: reqwest::Client,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Posts `query` with a request id of its own; returns the response
    /// and the SQL statements the server logged for it.
    async fn gql(&self, id: &str, query: &str) -> (Value, u64) {
        let response: Value = self
            .http
            .post(format!("{}/graphql", self.url))
            .header("x-request-id", id)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("JSON");
        (response, self.log.statements_of(id))
    }

    async fn data(&self, id: &str, query: &str) -> (Value, u64) {
        let (response, statements) = self.gql(id, query).await;
        assert!(response.get("errors").is_none(), "{id}: {response}");
        (response["data"].clone(), statements)
    }

    async fn code(&self, id: &str, query: &str) -> Value {
        let (response, _) = self.gql(id, query).await;
        response["errors"][0]["extensions"]["code"].clone()
    }
}

fn cargo(args: &[&str], dir: &Path) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo {args:?} in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn run_test<F, Fut>(backend: Backend, which: Fixture, test: F)
where
    F: FnOnce(Backend, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(database) = TestDatabase::create(backend, &[]).await else {
        return;
    };
    let db = Database::connect(&database.url).await.expect("connect");
    for statement in fixture(backend, which).split(";\n").map(str::trim) {
        let sql: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if !sql.trim().is_empty() {
            db.execute_unprepared(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
    db.close().await.ok();
    test(backend, database.url.clone()).await;
    database.drop_all().await;
}

backend_tests!(run = run_test; options = Fixture::Shop; generate_build_and_serve);

mod hostile {
    use super::*;
    backend_tests!(run = crate::run_test; options = crate::Fixture::Hostile; hostile_names);
}

/// The project `args` generated: the same database gives the same files
/// (`--check`), it builds (and on SQLite passes clippy), and it serves
/// `url`'s database.
async fn check_build_and_serve(args: &GenerateArgs, backend: Backend, url: &str) -> Served {
    let again = run(&GenerateArgs {
        check: true,
        ..args.clone()
    })
    .await
    .expect("check");
    assert!(again.changed.is_empty(), "{:?}", again.changed);
    cargo(&["build", "--quiet"], &args.out);
    if backend == Backend::Sqlite {
        cargo(&["clippy", "--quiet", "--", "-D", "warnings"], &args.out);
    }
    let name = args.name.clone().unwrap_or_default();
    let mut child = Command::new(workspace().join("target/debug").join(name))
        .env("DATABASE_URL", url)
        .env("HASONE_ADDR", "127.0.0.1:0")
        .env("HASONE_WORKERS", "1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the generated server");
    let log = ProcessLog::of(&mut child);
    let url = log.wait_for_address();
    Served {
        child,
        log,
        url,
        http: reqwest::Client::new(),
    }
}

async fn generate_build_and_serve(backend: Backend, url: String) {
    let name = format!("generated-{}", format!("{backend:?}").to_lowercase());
    let out = workspace().join("target/generated").join(&name);
    let _ = std::fs::remove_dir_all(&out);
    let args = GenerateArgs {
        database_url: url.clone(),
        out: out.clone(),
        database_schema: vec!["public".to_owned()],
        all_schemas: false,
        tables: Vec::new(),
        skip_tables: Vec::new(),
        name: Some(name.clone()),
        hasone_path: None,
        check: false,
        overrides: None,
    };
    let outcome = run(&args).await.expect("generate");
    let plan = &outcome.plan;

    // What it found, and what it skipped with the reason.
    let found: Vec<(String, String, String, Kind)> = plan
        .relations
        .iter()
        .map(|r| (r.source.clone(), r.field.clone(), r.inverse.clone(), r.kind))
        .collect();
    let expect = |s: &str, f: &str, i: &str, k| (s.to_owned(), f.to_owned(), i.to_owned(), k);
    assert_eq!(
        found,
        [
            expect("customers", "cart", "customer", Kind::NotNull),
            expect("customers", "customerProfile", "customer", Kind::Nullable),
            expect("customers", "customerSetting", "customer", Kind::SharedKey),
            expect("employees", "employeeByMentor", "mentor", Kind::Nullable),
            expect("employees", "storeByDeputy", "deputy", Kind::Nullable),
            expect("employees", "storeByManager", "manager", Kind::Nullable),
        ],
        "{}",
        hasone_generate::write::report(plan)
    );
    let skipped = |what: &str, why: &str| {
        plan.skipped_relations
            .iter()
            .chain(&plan.skipped_tables)
            .any(|(w, reason)| w.starts_with(what) && reason.contains(why))
    };
    assert!(skipped("`orders(customer_id)`", "one-to-many"), "{plan:?}");
    assert!(
        skipped("`store_audits(region, code)`", "composite foreign key"),
        "{plan:?}"
    );
    // Every table is served: those without a key hasone's ids take, and
    // views, read-only.
    let read_only: Vec<(&str, &str)> = plan
        .tables
        .iter()
        .filter_map(|t| Some((t.name.as_str(), t.read_only.as_deref()?)))
        .collect();
    let mut expected = vec![
        ("audit_log", "no primary key"),
        ("customer_names", "a view"),
    ];
    if backend == Backend::Postgres {
        expected.push(("order_totals", "a materialized view"));
    }
    expected.push((
        "shelf_slots",
        "composite primary key (`shelf`, `slot`): hasone's ids are one column yet",
    ));
    assert_eq!(read_only, expected, "{plan:?}");
    assert!(plan.skipped_tables.is_empty(), "{:?}", plan.skipped_tables);
    let read_write = match backend {
        // gadgets, events (partitioned: once, not its partitions)
        Backend::Postgres => 10,
        // gadgets (MEDIUMINT UNSIGNED key)
        Backend::Mysql => 9,
        Backend::Sqlite => 8,
    };
    assert_eq!(plan.tables.len(), read_write + expected.len(), "{plan:?}");
    assert!(
        !plan.tables.iter().any(|t| t.name.starts_with("events_")),
        "partitions are not tables: {plan:?}"
    );
    // The report ends with the counts.
    let report = hasone_generate::write::report(plan);
    let counts = format!(
        "{} tables served (read-write {read_write}, read-only {}), 0 skipped; 6 one-to-one relations served, {} skipped\n",
        plan.tables.len(),
        expected.len(),
        plan.skipped_relations.len()
    );
    assert!(report.ends_with(&counts), "{report}");

    // As generated: formatted (then checked, built and served below).
    cargo(&["fmt", "--check"], &out);
    let served = check_build_and_serve(&args, backend, &url).await;

    // One level: the page, and one statement per has-one field.
    let (d, statements) = served
        .data(
            "page",
            "{ customers(first: 10) { edges { node { name cart { items } customerProfile { bio } customerSetting { theme } } } } }",
        )
        .await;
    assert_eq!(
        d["customers"]["edges"][0]["node"],
        json!({ "name": "Ada", "cart": { "items": 3 }, "customerProfile": { "bio": "first" }, "customerSetting": { "theme": "dark" } })
    );
    assert_eq!(d["customers"]["edges"][2]["node"]["cart"], Value::Null);
    assert_eq!(statements, 1 + 3, "page + 3 has-one fields");

    // Two levels through the self-reference and the two keys to one
    // target; the inverses (`mentor`, `manager`) come from the page's rows.
    let (d, statements) = served
        .data(
            "levels",
            "{ employees(first: 10) { edges { node { name employeeByMentor { name mentor { name } } storeByManager { code manager { name } } storeByDeputy { code deputy { name } } } } } }",
        )
        .await;
    assert_eq!(
        d["employees"]["edges"][0]["node"],
        json!({
            "name": "Barbara",
            "employeeByMentor": { "name": "Ken", "mentor": { "name": "Barbara" } },
            "storeByManager": { "code": "n1", "manager": { "name": "Barbara" } },
            "storeByDeputy": null
        })
    );
    assert_eq!(
        statements,
        1 + 3,
        "page + 3 has-one fields; inverses primed"
    );

    // Nullable unique FK: set moves, null unlinks.
    let (d, _) = served
        .data(
            "set-profile",
            "mutation { setCustomerCustomerProfile(customerId: \"2\", customerProfileId: \"2\") { customerProfile { customerId } previous { id } } }",
        )
        .await;
    assert_eq!(
        d["setCustomerCustomerProfile"]["customerProfile"]["customerId"],
        json!("Customer:2")
    );
    let (d, _) = served
        .data(
            "unlink-profile",
            "mutation { setCustomerCustomerProfile(customerId: \"2\", customerProfileId: null) { previous { customerId } } }",
        )
        .await;
    assert_eq!(
        d["setCustomerCustomerProfile"]["previous"]["customerId"],
        Value::Null
    );

    // NOT NULL unique FK: a new target deletes the previous one; unlinking
    // is refused.
    let (d, _) = served
        .data(
            "move-cart",
            "mutation { setCustomerCart(customerId: \"2\", cartId: \"1\") { cart { id } previous { id } } }",
        )
        .await;
    assert_eq!(d["setCustomerCart"]["previous"]["id"], json!("Cart:2"));
    let (d, _) = served
        .data("carts", "{ carts(first: 10) { edges { node { rowId } } } }")
        .await;
    assert_eq!(d["carts"]["edges"], json!([{ "node": { "rowId": 1 } }]));
    assert_eq!(
        served
            .code(
                "unlink-cart",
                "mutation { setCustomerCart(customerId: \"2\", cartId: null) { previous { id } } }"
            )
            .await,
        json!("BAD_USER_INPUT")
    );

    // Shared primary key: create replaces, set cannot move.
    let (d, _) = served
        .data(
            "create-setting",
            "mutation { createCustomerCustomerSetting(customerId: \"1\", input: { theme: \"light\" }) { customerSetting { rowId theme } previous { theme } } }",
        )
        .await;
    assert_eq!(
        d["createCustomerCustomerSetting"],
        json!({ "customerSetting": { "rowId": 1, "theme": "light" }, "previous": { "theme": "dark" } })
    );
    assert_eq!(
        served
            .code(
                "move-setting",
                "mutation { setCustomerCustomerSetting(customerId: \"3\", customerSettingId: \"1\") { customer { id } } }"
            )
            .await,
        json!("BAD_USER_INPUT")
    );

    // Self-reference: Dennis mentors Barbara.
    let (d, _) = served
        .data(
            "mentor",
            "mutation { setEmployeeEmployeeByMentor(employeeId: \"3\", employeeByMentorId: \"1\") { employee { name } employeeByMentor { name mentor { name } } } }",
        )
        .await;
    assert_eq!(
        d["setEmployeeEmployeeByMentor"]["employeeByMentor"],
        json!({ "name": "Barbara", "mentor": { "name": "Dennis" } })
    );

    // A native enum (PostgreSQL's type, MySQL's ENUM): a GraphQL enum of
    // names made from values that are none, read and written back exactly.
    if backend != Backend::Sqlite {
        native_enum_round_trips(&served, &url).await;
    }

    // What was skipped is not in the schema: no has-one on orders
    // (one-to-many) or store audits (composite).
    let (d, _) = served
        .data(
            "schema",
            "{ orders: __type(name: \"Customer\") { fields { name } } }",
        )
        .await;
    let fields: Vec<&str> = d["orders"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(!fields.contains(&"order"), "{fields:?}");

    read_only_tables(&served, backend, &url).await;
    if backend != Backend::Sqlite {
        text_columns(&served, backend, &url).await;
    }
    drop(served);
    if backend == Backend::Postgres {
        two_schemas(&args, &url).await;
    }
    if backend == Backend::Sqlite {
        overrides_file(&args).await;
    }
}

/// `hasone-overrides.json` in the project's folder: read by `generate`
/// and by `--check`, its renames and skips in the plan and the files.
async fn overrides_file(args: &GenerateArgs) {
    let out = args.out.with_file_name("generated-sqlite-overrides");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(
        out.join("hasone-overrides.json"),
        r#"{
            "tables": {
                "customer_profiles": { "type": "Profile", "single": "profile", "list": "profiles" },
                "audit_log": { "skip": true }
            },
            "relations": {
                "stores.manager_id": { "field": "managedStore", "inverse": "boss" },
                "stores.deputy_id": { "skip": true }
            }
        }"#,
    )
    .expect("overrides");
    let args = GenerateArgs {
        out: out.clone(),
        name: Some("generated-sqlite-overrides".to_owned()),
        ..args.clone()
    };
    let plan = run(&args).await.expect("generate").plan;
    assert!(
        plan.tables.iter().any(|t| t.name == "customer_profiles"
            && t.type_name == "Profile"
            && t.list == "profiles"),
        "{plan:?}"
    );
    assert!(!plan.tables.iter().any(|t| t.name == "audit_log"));
    let relations: Vec<(&str, &str)> = plan
        .relations
        .iter()
        .filter(|r| r.target == "stores")
        .map(|r| (r.field.as_str(), r.inverse.as_str()))
        .collect();
    assert_eq!(relations, [("managedStore", "boss")]);
    let main = std::fs::read_to_string(out.join("src/main.rs")).expect("main.rs");
    assert!(
        main.contains("new(\"Profile\")") && main.contains(".queries(\"profile\", \"profiles\")"),
        "{main}"
    );
    let again = run(&GenerateArgs {
        check: true,
        ..args.clone()
    })
    .await
    .expect("check");
    assert!(again.changed.is_empty(), "{:?}", again.changed);
    // A broken file is an error naming it, not a silent default.
    std::fs::write(out.join("hasone-overrides.json"), r#"{ "tabels": {} }"#).expect("write");
    let err = run(&args).await.expect_err("refused");
    assert!(err.to_string().contains("overrides"), "{err}");
}

/// `--database-schema public,billing`: `billing.accounts` is served (its
/// entity names its schema) with its one-to-one to `public.customers`;
/// `billing.orders` is skipped, `public` has an `orders`.
async fn two_schemas(args: &GenerateArgs, url: &str) {
    let args = GenerateArgs {
        out: args.out.with_file_name("generated-postgres-schemas"),
        name: Some("generated-postgres-schemas".to_owned()),
        database_schema: vec!["public".to_owned(), "billing".to_owned()],
        ..args.clone()
    };
    let _ = std::fs::remove_dir_all(&args.out);
    let outcome = run(&args).await.expect("generate");
    let plan = &outcome.plan;
    let accounts = plan
        .tables
        .iter()
        .find(|t| t.name == "accounts")
        .unwrap_or_else(|| panic!("{plan:?}"));
    assert_eq!(accounts.schema.as_deref(), Some("billing"));
    assert!(
        plan.skipped_tables
            .iter()
            .any(|(t, why)| t == "orders" && why.contains("schema `public`")),
        "{:?}",
        plan.skipped_tables
    );
    assert!(
        plan.relations
            .iter()
            .any(|r| r.source == "customers" && r.target == "accounts" && r.field == "account"),
        "{}",
        hasone_generate::write::report(plan)
    );
    let entity =
        std::fs::read_to_string(args.out.join("src/entities/accounts.rs")).expect("entity");
    assert!(entity.contains("schema_name = \"billing\""), "{entity}");
    let served = check_build_and_serve(&args, Backend::Postgres, url).await;
    let (d, statements) = served
        .data(
            "schemas",
            "{ customers(first: 3) { edges { node { name account { balance customer { name } } } } } }",
        )
        .await;
    assert_eq!(
        d["customers"]["edges"][1]["node"],
        json!({ "name": "Grace", "account": { "balance": 40, "customer": { "name": "Grace" } } })
    );
    assert_eq!(statements, 2, "page + account");
    let (d, _) = served
        .data(
            "schemas-create",
            "mutation { createCustomerAccount(customerId: \"3\", input: { balance: 5 }) { account { balance customer { name } } } }",
        )
        .await;
    assert_eq!(
        d["createCustomerAccount"]["account"],
        json!({ "balance": 5, "customer": { "name": "Edsger" } })
    );
}

/// The rows of a read-only table, as SQL reads them (each column as text).
async fn sql_rows(url: &str, sql: &str, columns: &[&str]) -> Vec<Vec<Option<String>>> {
    let db = Database::connect(url).await.expect("connect");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("read");
    let out = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| row.try_get::<Option<String>>("", c).expect("text"))
                .collect()
        })
        .collect();
    db.close().await.ok();
    out
}

/// `columns` of every row of `table` in `order`, each cast to `text_type`
/// as SQL reads it.
async fn sql_text_rows(
    url: &str,
    text_type: &str,
    table: &str,
    columns: &[&str],
    order: &str,
) -> Vec<Vec<Option<String>>> {
    let casts: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("CAST({c} AS {text_type}) AS c{i}"))
        .collect();
    let aliases: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
    let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
    let sql = format!("SELECT {} FROM {table} ORDER BY {order}", casts.join(", "));
    sql_rows(url, &sql, &aliases).await
}

/// A GraphQL scalar as the text SQL reads it.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `audit_log` (no key), `shelf_slots` (composite key), `customer_names`
/// (a view): lists in column order, one statement a page, as SQL reads
/// them; no ids, no mutations.
async fn read_only_tables(served: &Served, backend: Backend, url: &str) {
    let text_type = if backend == Backend::Mysql {
        "CHAR"
    } else {
        "TEXT"
    };
    for (list, table, columns, fields, order) in [
        (
            "shelfSlots",
            "shelf_slots",
            ["shelf", "slot", "label"],
            ["shelf", "slot", "label"],
            "shelf, slot",
        ),
        (
            "customerNames",
            "customer_names",
            ["id", "name", "name"],
            ["id", "name", "name"],
            "id",
        ),
        (
            "auditLogList",
            "audit_log",
            ["message", "logged_at", "message"],
            ["message", "loggedAt", "message"],
            "message, logged_at",
        ),
    ] {
        let selection = fields.join(" ");
        let (d, statements) = served
            .data(
                list,
                &format!("{{ {list}(first: 2) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {selection} }} }} }} }}"),
            )
            .await;
        assert_eq!(statements, 1, "{list}: one statement a page");
        let mut seen: Vec<Vec<Option<String>>> = Vec::new();
        let mut page = d;
        loop {
            for edge in page[list]["edges"].as_array().expect("edges") {
                seen.push(fields.iter().map(|f| text(&edge["node"][f])).collect());
            }
            if page[list]["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            let after = page[list]["pageInfo"]["endCursor"].clone();
            page = served
                .data(
                    list,
                    &format!("{{ {list}(first: 2, after: {after}) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {selection} }} }} }} }}"),
                )
                .await
                .0;
        }
        assert_eq!(
            seen,
            sql_text_rows(url, text_type, table, &columns, order).await,
            "{list}"
        );
    }
    // No ids, no node, no mutations.
    assert_eq!(
        served
            .code("no-id", "{ shelfSlots { edges { node { rowId } } } }")
            .await,
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    assert_eq!(
        served
            .code("no-node", "{ node(id: \"ShelfSlot:1\") { __typename } }")
            .await,
        json!("BAD_USER_INPUT")
    );
    let (d, _) = served
        .data(
            "no-mutations",
            "{ __type(name: \"Mutation\") { fields { name } } }",
        )
        .await;
    let mutations = d["__type"]["fields"].to_string();
    for absent in ["ShelfSlot", "CustomerName", "AuditLog"] {
        assert!(!mutations.contains(absent), "{absent}: {mutations}");
    }
}

/// The columns of `gadgets` hasone reads as text: each as SQL casts it,
/// typed `String`, and not an input of `createGadget`.
async fn text_columns(served: &Served, backend: Backend, url: &str) {
    let (columns, fields): (Vec<&str>, Vec<&str>) = match backend {
        Backend::Postgres => [
            ("warranty", "warranty"),
            ("ip", "ip"),
            ("net", "net"),
            ("mac", "mac"),
            ("tags", "tags"),
            ("scores", "scores"),
            ("spec", "spec"),
            ("price", "price"),
            ("flags", "flags"),
            ("words", "words"),
            ("spot", "spot"),
            ("opens", "opens"),
        ]
        .into_iter()
        .unzip(),
        _ => [("sizes", "sizes")].into_iter().unzip(),
    };
    let text_type = if backend == Backend::Mysql {
        "CHAR"
    } else {
        "TEXT"
    };
    let (d, _) = served
        .data(
            "text-columns",
            &format!(
                "{{ gadgets(first: 5) {{ edges {{ node {{ {} }} }} }} }}",
                fields.join(" ")
            ),
        )
        .await;
    let seen: Vec<Vec<Option<String>>> = d["gadgets"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| fields.iter().map(|f| text(&e["node"][f])).collect())
        .collect();
    assert_eq!(
        seen,
        sql_text_rows(url, text_type, "gadgets", &columns, "id").await
    );
    assert!(seen[0].iter().all(Option::is_some), "{seen:?}");
    let (d, _) = served
        .data(
            "text-types",
            "{ __type(name: \"Gadget\") { fields { name type { name ofType { name } } } } input: __type(name: \"CreateGadgetInput\") { inputFields { name } } }",
        )
        .await;
    let inputs = d["input"]["inputFields"].to_string();
    // Written back through a cast where the text round-trips: every type
    // but PostgreSQL's `bit` (its length is not known).
    let read_only: &[&str] = if backend == Backend::Postgres {
        &["flags"]
    } else {
        &[]
    };
    for field in &fields {
        let found = d["__type"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == json!(field))
            .unwrap_or_else(|| panic!("{field}: {d}"));
        assert_eq!(found["type"]["name"], json!("String"), "{field}");
        assert_eq!(
            inputs.contains(&format!("\"{field}\"")),
            !read_only.contains(field),
            "{field}: {inputs}"
        );
    }
    // Each writable one: what it reads, written back, reads the same;
    // a new value reads as SQL reads it; text the type refuses is the
    // client's error and changes nothing.
    let writable: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| !read_only.contains(f))
        .collect();
    let inputs: Vec<String> = writable
        .iter()
        .map(|f| {
            let i = fields.iter().position(|x| x == f).unwrap_or_default();
            format!("{f}: {}", json!(seen[0][i]))
        })
        .collect();
    let (d, _) = served
        .data(
            "text-write-back",
            &format!(
                "mutation {{ updateGadget(id: \"1\", input: {{ {} }}) {{ {} }} }}",
                inputs.join(", "),
                writable.join(" ")
            ),
        )
        .await;
    for f in &writable {
        let i = fields.iter().position(|x| x == f).unwrap_or_default();
        assert_eq!(text(&d["updateGadget"][f]), seen[0][i], "{f}");
    }
    // PostgreSQL: a new address, and an array set to null.
    let (field, value, others) = match backend {
        // `inet`'s text form has the mask (`10.1.2.3/32`); given so, it
        // reads as written.
        Backend::Postgres => ("ip", "10.1.2.3/32", ", tags: null"),
        _ => ("sizes", "m", ""),
    };
    let (d, _) = served
        .data(
            "text-write",
            &format!(
                "mutation {{ updateGadget(id: \"1\", input: {{ {field}: \"{value}\"{others} }}) {{ {field} }} }}"
            ),
        )
        .await;
    assert_eq!(d["updateGadget"][field], json!(value));
    let sql = format!("SELECT CAST({field} AS {text_type}) AS v FROM gadgets WHERE id = 1");
    assert_eq!(
        sql_rows(url, &sql, &["v"]).await,
        [[Some(value.to_owned())]]
    );
    let bad = if backend == Backend::Postgres {
        "not-an-ip"
    } else {
        "xl"
    };
    assert_eq!(
        served
            .code(
                "text-refused",
                &format!(
                    "mutation {{ updateGadget(id: \"1\", input: {{ {field}: \"{bad}\" }}) {{ {field} }} }}"
                )
            )
            .await,
        json!("BAD_USER_INPUT")
    );
    assert_eq!(
        sql_rows(url, &sql, &["v"]).await,
        [[Some(value.to_owned())]]
    );
    // The rest of the row is written as usual.
    let (d, _) = served
        .data(
            "gadget-create",
            "mutation { createGadget(input: { name: \"new\" }) { name } }",
        )
        .await;
    assert_eq!(d["createGadget"]["name"], json!("new"));
    if backend == Backend::Postgres {
        // A domain is its base type, its CHECK the database's: a value it
        // refuses is the client's error, and no row is written.
        let (d, _) = served
            .data(
                "domain",
                "mutation { createGadget(input: { name: \"four\", stock: 4 }) { stock } }",
            )
            .await;
        assert_eq!(d["createGadget"]["stock"], json!(4));
        assert_eq!(
            served
                .code(
                    "domain-check",
                    "mutation { createGadget(input: { name: \"neg\", stock: -1 }) { stock } }"
                )
                .await,
            json!("BAD_USER_INPUT")
        );
        let rows = sql_rows(
            url,
            "SELECT name FROM gadgets WHERE name = 'neg'",
            &["name"],
        )
        .await;
        assert!(rows.is_empty(), "{rows:?}");
    }
}

/// `customer_profiles.rating`, `ENUM ('G', 'PG-13', '1st', 'a b')`.
async fn native_enum_round_trips(served: &Served, url: &str) {
    let (d, _) = served
        .data(
            "enum-type",
            "{ __type(name: \"Rating\") { kind enumValues { name } } profile: customerProfile(id: \"1\") { rating } }",
        )
        .await;
    assert_eq!(d["__type"]["kind"], json!("ENUM"));
    assert_eq!(
        d["__type"]["enumValues"],
        json!([{ "name": "G" }, { "name": "PG_13" }, { "name": "_1ST" }, { "name": "A_B" }])
    );
    assert_eq!(d["profile"]["rating"], json!("PG_13"));
    let db = Database::connect(url).await.expect("connect");
    for (name, stored) in [("_1ST", "1st"), ("A_B", "a b"), ("G", "G")] {
        let (d, _) = served
            .data(
                "enum-write",
                &format!("mutation {{ updateCustomerProfile(id: \"2\", input: {{ rating: {name} }}) {{ rating }} }}"),
            )
            .await;
        assert_eq!(d["updateCustomerProfile"]["rating"], json!(name));
        let backend = db.get_database_backend();
        let text = match backend {
            sea_orm::DbBackend::Postgres => "TEXT",
            _ => "CHAR",
        };
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT CAST(rating AS {text}) AS r FROM customer_profiles WHERE id = 2"),
            ))
            .await
            .expect("read back")
            .expect("the row");
        assert_eq!(row.try_get::<String>("", "r").expect("text"), stored);
    }
    let (d, _) = served
        .data(
            "enum-create",
            "mutation { createCustomerProfile(input: { bio: \"new\", rating: null }) { rating } }",
        )
        .await;
    assert_eq!(d["createCustomerProfile"]["rating"], Value::Null);
    assert_eq!(
        served
            .code(
                "enum-bad",
                "mutation { updateCustomerProfile(id: \"2\", input: { rating: PG_14 }) { rating } }"
            )
            .await,
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    db.close().await.ok();
}

/// The identifiers of Rust source outside comments, string and character
/// literals (raw identifiers without their `r#`): what is code in it.
fn code_identifiers(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut idents = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '#' | '"')))
        {
            // A raw string: r"…", r#"…"#.
            i += 1;
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            while i < chars.len() && !(chars[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#')) {
                i += 1;
            }
            i += 1 + hashes;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A character literal, or a lifetime.
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            if c == 'r' && at(i + 1) == '#' {
                i += 2;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            idents.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    idents
}

#[test]
fn code_identifiers_skip_comments_and_literals() {
    let source = "/// fn a() {}\n// fn b\n/* c /* d */ e */ fn r#type(x: &'static str) -> char { let _ = \"f \\\" g\"; let _ = r#\"h \"i\"#; '\"' }";
    assert_eq!(
        code_identifiers(source),
        [
            "fn", "type", "x", "static", "str", "char", "let", "_", "let", "_"
        ]
    );
}

/// The files of a generated project (relative path, content), `target/` left out.
fn project_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("read the project")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    folders.push(path);
                }
            } else if entry.file_name() != "Cargo.lock" {
                let content = std::fs::read_to_string(&path).expect("a text file");
                let relative = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                files.push((relative, content));
            }
        }
    }
    files.sort();
    files
}

/// `|` of a Markdown table row that separate cells (not `\|`).
fn cell_separators(row: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

/// A GraphQL name: `[_A-Za-z][_0-9A-Za-z]*`.
fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

async fn hostile_names(backend: Backend, url: String) {
    const QUOTED: &str = "quo\"ted | `md` */ <b>x</b>";
    const NOTES: &str = "notes\nfn hasone_injected_table() {}";
    const PETS_FK: &str = "owner_id\nfn hasone_injected() {}\n//";
    let name = format!("hostile-{}", format!("{backend:?}").to_lowercase());
    let out = workspace().join("target/generated").join(&name);
    let _ = std::fs::remove_dir_all(&out);
    let args = GenerateArgs {
        database_url: url.clone(),
        out: out.clone(),
        database_schema: vec!["public".to_owned()],
        all_schemas: false,
        tables: Vec::new(),
        skip_tables: Vec::new(),
        name: Some(name.clone()),
        hasone_path: None,
        check: false,
        overrides: None,
    };
    // Before issue 22: a panic in sea-orm-codegen ("is not a valid Ident").
    let outcome = run(&args).await.expect("generate");
    let plan = &outcome.plan;
    let report = hasone_generate::write::report(plan);

    // Served under valid names: keywords, quotes, Markdown, a newline.
    let mut served: Vec<&str> = plan.tables.iter().map(|t| t.name.as_str()).collect();
    served.sort_unstable();
    let mut expected = vec![
        "crate",
        "owners",
        "self",
        "type",
        "user_profiles",
        QUOTED,
        NOTES,
        // Keys of every integer width (`i16`, `i8`, `u32` in the entities).
        "small_keys",
    ];
    match backend {
        Backend::Sqlite => expected.push("tiny_keys"),
        Backend::Postgres => {}
        // `medium_keys`: MEDIUMINT, the `i32` of the entity.
        Backend::Mysql => expected.extend(["tiny_keys", "unsigned_keys", "medium_keys"]),
    }
    expected.sort_unstable();
    assert_eq!(served, expected, "{report}");
    for t in &plan.tables {
        for graphql in [&t.type_name, &t.single, &t.list] {
            assert!(is_graphql_name(graphql), "{t:?}");
        }
    }
    let found: Vec<(&str, &str, &str, Kind)> = plan
        .relations
        .iter()
        .map(|r| {
            (
                r.source.as_str(),
                r.field.as_str(),
                r.inverse.as_str(),
                r.kind,
            )
        })
        .collect();
    assert_eq!(
        found,
        [("self", "crate", "self", Kind::Nullable)],
        "{report}"
    );

    // Skipped, each with its reason; names in reasons stay on one line.
    let mut skips = vec![
        ("super", "raw identifier"),
        ("mod", "`mod.rs`"),
        ("2fa", "digit"),
        ("__", "no letters or digits"),
        ("café", "ASCII"),
        ("digits", "`2col`"),
        ("underscores", "`__`"),
        ("accents", "`prénom`"),
        ("generations", "`gen`"),
        ("supers", "`super`"),
        ("ids", "`id`"),
        ("UserProfiles", "taken"),
        ("strings", "`String`"),
        ("queries", "`Query`"),
        ("pets", "`owner_id\\nfn hasone_injected() {}\\n//`"),
    ];
    match backend {
        Backend::Sqlite => {}
        Backend::Postgres => skips.extend([("Self", "taken"), ("cases", "`Name`")]),
        Backend::Mysql => skips.extend([("Self", "taken")]),
    }
    for (table, why) in skips {
        let reason = plan
            .skipped_tables
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, reason)| reason.as_str());
        assert!(
            reason.is_some_and(|r| r.contains(why)),
            "{table:?}: {reason:?}, expected {why:?}\n{report}"
        );
    }
    for (what, why) in plan.skipped_relations.iter().chain(&plan.skipped_tables) {
        assert!(
            !what.contains(PETS_FK) && !why.contains('\n'),
            "{what}: {why}"
        );
    }
    // The report is a Markdown table (three cells a row, whatever the
    // names), then its counts.
    let (table, counts) = report.split_once("\n\n").expect("a table, then the counts");
    assert!(counts.contains(" served (read-write "), "{counts}");
    for row in table.lines() {
        assert_eq!(cell_separators(row), 4, "{row}");
    }

    // Nothing from the database is code: the injected functions are no
    // identifier of any Rust file, and no line of any file starts with them.
    let files = project_files(&out);
    assert!(files.iter().any(|(path, _)| path == "src/associations.rs"));
    for (path, content) in &files {
        for line in content.lines() {
            assert!(
                !line.trim_start().starts_with("fn hasone_injected"),
                "{path}: {line}"
            );
        }
        if path.ends_with(".rs") {
            let idents = code_identifiers(content);
            for injected in ["hasone_injected", "hasone_injected_table"] {
                assert!(!idents.iter().any(|i| i == injected), "{path}: {injected}");
            }
        }
    }
    assert!(!files.iter().any(|(path, _)| path.contains('\n')));

    let served = check_build_and_serve(&args, backend, &url).await;

    // Every name in the schema is a GraphQL name.
    let (d, _) = served
        .data(
            "introspection",
            "{ __schema { types { name fields { name args { name } } inputFields { name } enumValues { name } } } }",
        )
        .await;
    let mut names = Vec::new();
    for ty in d["__schema"]["types"].as_array().into_iter().flatten() {
        names.extend(ty["name"].as_str());
        for list in ["fields", "inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                names.extend(item["name"].as_str());
                for arg in item["args"].as_array().into_iter().flatten() {
                    names.extend(arg["name"].as_str());
                }
            }
        }
    }
    assert!(names.len() > 100, "{d}");
    for n in names {
        assert!(is_graphql_name(n), "{n:?}");
    }

    // Keyword tables and columns, and their has-one, read and written.
    let (d, _) = served
        .data(
            "keywords",
            "{ selfList(first: 5) { edges { node { type typename crate { match selfId self { type } } } } } typeList(first: 5) { edges { node { fn displayName self } } } }",
        )
        .await;
    assert_eq!(
        d,
        json!({
            "selfList": { "edges": [{ "node": { "type": "first", "typename": "mine", "crate": { "match": 7, "selfId": "Self:1", "self": { "type": "first" } } } }] },
            "typeList": { "edges": [{ "node": { "fn": "f", "displayName": "shown", "self": "me" } }] }
        })
    );
    let (d, _) = served
        .data(
            "create-crate",
            "mutation { createSelfCrate(selfId: \"1\", input: { match: 8 }) { crate { match } previous { match } } }",
        )
        .await;
    assert_eq!(
        d["createSelfCrate"],
        json!({ "crate": { "match": 8 }, "previous": { "match": 7 } })
    );

    // A table whose name holds quotes, a backtick, `|`, `*/` and HTML:
    // quoted in SQL, read and written.
    let quoted = plan
        .tables
        .iter()
        .find(|t| t.name == QUOTED)
        .expect("served");
    let (d, _) = served
        .data(
            "quoted",
            &format!(
                "mutation {{ create{}(input: {{ note: \"second\" }}) {{ note }} }}",
                quoted.type_name
            ),
        )
        .await;
    assert_eq!(
        d,
        json!({ format!("create{}", quoted.type_name): { "note": "second" } })
    );
    let (d, _) = served
        .data(
            "quoted-list",
            &format!(
                "{{ {}(first: 5) {{ totalCount edges {{ node {{ note }} }} }} }}",
                quoted.list
            ),
        )
        .await;
    assert_eq!(
        d[&quoted.list],
        json!({ "totalCount": 2, "edges": [{ "node": { "note": "quoted" } }, { "node": { "note": "second" } }] })
    );
}
