//! `hasone generate` against a live database on SQLite, PostgreSQL and
//! MariaDB: the shop of `tests/schema/` holds every kind of relation
//! (nullable unique FK, `NOT NULL` unique FK, shared primary key, one-to-
//! many, composite FK, self-reference, two FKs to one target, a table
//! without a primary key). The test generates the project, checks the
//! plan, generates again with `--check`, builds the project with the
//! workspace's target directory (only the generated crate compiles), runs
//! it, and checks over HTTP: field names, get/set/create per kind of key,
//! and the SQL statements per request from the server's log.

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

fn fixture(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => include_str!("schema/sqlite.sql"),
        Backend::Postgres => include_str!("schema/postgres.sql"),
        Backend::Mysql => include_str!("schema/mysql.sql"),
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

async fn run_test<F, Fut>(backend: Backend, _: (), test: F)
where
    F: FnOnce(Backend, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(database) = TestDatabase::create(backend, &[]).await else {
        return;
    };
    let db = Database::connect(&database.url).await.expect("connect");
    for statement in fixture(backend).split(";\n").map(str::trim) {
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

backend_tests!(run = run_test; options = (); generate_build_and_serve);

async fn generate_build_and_serve(backend: Backend, url: String) {
    let name = format!("generated-{}", format!("{backend:?}").to_lowercase());
    let out = workspace().join("target/generated").join(&name);
    let _ = std::fs::remove_dir_all(&out);
    let args = GenerateArgs {
        database_url: url.clone(),
        out: out.clone(),
        database_schema: "public".to_owned(),
        tables: Vec::new(),
        skip_tables: Vec::new(),
        name: Some(name.clone()),
        hasone_path: None,
        check: false,
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
    assert!(skipped("orders(customer_id)", "one-to-many"), "{plan:?}");
    assert!(
        skipped("store_audits(region, code)", "composite foreign key"),
        "{plan:?}"
    );
    assert!(skipped("audit_log", "no primary key"), "{plan:?}");
    assert_eq!(plan.tables.len(), 8);

    // The same database gives the same files.
    let again = run(&GenerateArgs {
        check: true,
        ..args.clone()
    })
    .await
    .expect("check");
    assert!(again.changed.is_empty(), "{:?}", again.changed);

    // As generated: formatted, built, and (once) clippy-clean.
    cargo(&["fmt", "--check"], &out);
    cargo(&["build", "--quiet"], &out);
    if backend == Backend::Sqlite {
        cargo(&["clippy", "--quiet", "--", "-D", "warnings"], &out);
    }

    let mut child = Command::new(workspace().join("target/debug").join(&name))
        .env("DATABASE_URL", &url)
        .env("HASONE_ADDR", "127.0.0.1:0")
        .env("HASONE_WORKERS", "1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the generated server");
    let log = ProcessLog::of(&mut child);
    let url = log.wait_for_address();
    let served = Served {
        child,
        log,
        url,
        http: reqwest::Client::new(),
    };

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

    // What was skipped is not in the schema: no audit log, no has-one on
    // orders (one-to-many) or store audits (composite).
    let (d, _) = served
        .data(
            "schema",
            "{ orders: __type(name: \"Customer\") { fields { name } } audit: __type(name: \"AuditLog\") { name } }",
        )
        .await;
    let fields: Vec<&str> = d["orders"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(!fields.contains(&"order"), "{fields:?}");
    assert_eq!(d["audit"], Value::Null);
}
