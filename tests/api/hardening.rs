//! Production defaults: limits, CSRF prevention, GraphQL-over-HTTP status
//! codes, timeouts, request ids, the introspection switch.

use hasone_server::config::Settings;
use hasone_tests::{Options, TestApp, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    limits_answer_limit_exceeded,
    csrf_prevention_refuses_simple_requests_without_a_header,
    bodies_over_the_limit_or_not_json_are_4xx,
    graphql_response_json_gets_400_for_refused_requests,
    errors_carry_the_request_id,
    malformed_requests_leave_the_server_serving,
    body_and_batch_errors_are_json_with_request_ids,
);

fn tight(settings: &mut Settings) {
    settings.server.limits.max_depth = 6;
    settings.server.limits.max_aliases = 3;
    settings.server.limits.max_batch = 2;
    settings.server.limits.max_body_bytes = 2048;
    settings.server.limits.max_complexity = 40;
}

mod tight_limits {
    use super::*;
    backend_tests!(
        options = Options { configure: tight, ..Options::default() };
        tight_limits_are_enforced,
    );
}

fn no_introspection(settings: &mut Settings) {
    settings.server.introspection = false;
}

mod without_introspection {
    use super::*;
    backend_tests!(
        options = Options { configure: no_introspection, ..Options::default() };
        introspection_can_be_switched_off,
    );
}

fn impatient(settings: &mut Settings) {
    settings.server.limits.request_timeout_ms = 300;
}

mod with_timeout {
    use super::*;
    backend_tests!(
        options = Options { configure: impatient, ..Options::default() };
        slow_requests_time_out_cleanly,
    );
}

/// A statement timeout well inside the request timeout.
fn short_statements(settings: &mut Settings) {
    settings.server.pool.db_statement_timeout_ms = 200;
    settings.server.limits.request_timeout_ms = 1_000;
}

mod with_statement_timeout {
    use super::*;
    backend_tests!(
        options = Options { configure: short_statements, ..Options::default() };
        a_set_that_waits_for_a_lock_past_its_bound_is_timeout,
    );
}

async fn post(
    app: &TestApp,
    body: &str,
    content_type: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("content-type", content_type)
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("POST");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn limits_answer_limit_exceeded(app: TestApp) -> TestApp {
    // The standard introspection query (graphql-js) fits the defaults.
    let resp = app
        .gql(include_str!("introspection.graphql"), json!({}))
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert!(
        resp["data"]["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 20)
    );
    // Default depth limit 15.
    let deep = format!(
        "{{ user(id: 1) {{ {} id {} }} }}",
        "profile { user { ".repeat(7),
        "} } ".repeat(7)
    );
    let resp = app.gql(&deep, json!({})).await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("LIMIT_EXCEEDED"),
        "{resp}"
    );
    assert!(
        resp.get("data").is_none(),
        "refused before execution: {resp}"
    );
    let many: String = (0..31)
        .map(|i| format!("a{i}: user(id: 1) {{ id }} "))
        .collect();
    let resp = app.gql(&format!("{{ {many} }}"), json!({})).await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("LIMIT_EXCEEDED"),
        "{resp}"
    );
    app
}

async fn tight_limits_are_enforced(app: TestApp) -> TestApp {
    let ok = app
        .gql("{ a: user(id: 1) { id } b: user(id: 2) { id } }", json!({}))
        .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    for query in [
        "{ a: user(id: 1) { id } b: user(id: 2) { id } c: user(id: 3) { id } d: user(id: 4) { id } }",
        "{ user(id: 1) { profile { user { profile { user { profile { id } } } } } } }",
    ] {
        let resp = app.gql(query, json!({})).await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"],
            json!("LIMIT_EXCEEDED"),
            "{query}: {resp}"
        );
    }
    let one = json!({ "query": "{ user(id: 1) { id } }" });
    let batch = json!([one, one, one]).to_string();
    let (status, body) = post(&app, &batch, "application/json", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("LIMIT_EXCEEDED"),
        "{body}"
    );
    let big =
        json!({ "query": format!("{{ user(id: 1) {{ id }} }} #{}", "x".repeat(4096)) }).to_string();
    let (status, _) = post(&app, &big, "application/json", &[]).await;
    assert_eq!(status, 413);
    app
}

async fn csrf_prevention_refuses_simple_requests_without_a_header(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let mutation = json!({ "query": "mutation { setUserProfile(userId: 1, profileId: null) { previous { id } } }" }).to_string();
    // Content types a browser sends cross-site without a preflight are
    // never read, with or without a preflight header.
    let simple = [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
    ];
    for content_type in simple {
        for headers in [&[][..], &[("graphql-require-preflight", "1")][..]] {
            let (status, body) = post(&app, &mutation, content_type, headers).await;
            assert_eq!(status, 415, "{content_type}: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                json!("BAD_REQUEST")
            );
        }
    }
    assert_eq!(app.snapshot().await, before, "nothing changed");
    let get = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("query", "{ user(id: 1) { id } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(get.status(), 400, "a GET without the preflight header");
    let get = app
        .client
        .get(format!("{}/graphql", app.url))
        .header("graphql-require-preflight", "1")
        .query(&[("query", "{ user(id: 1) { id } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(get.status(), 200);
    app
}

async fn bodies_over_the_limit_or_not_json_are_4xx(app: TestApp) -> TestApp {
    let huge = json!({ "query": format!("{{ user(id: 1) {{ id }} }} #{}", "x".repeat(70 * 1024)) })
        .to_string();
    let (status, _) = post(&app, &huge, "application/json", &[]).await;
    assert_eq!(status, 413);
    for body in [
        "{",
        "[1, 2]",
        "\"query\"",
        "{\"query\": 42}",
        "",
        "{}",
        "{\"qeury\": \"{ __typename }\"}",
        "[{\"query\": \"{ __typename }\"}, {\"query\": \" \"}]",
    ] {
        let (status, resp) = post(&app, body, "application/json", &[]).await;
        assert_eq!(status, 400, "{body}: {resp}");
    }
    app
}

async fn graphql_response_json_gets_400_for_refused_requests(app: TestApp) -> TestApp {
    let accept = [("accept", "application/graphql-response+json")];
    let (status, body) = post(&app, r#"{"query":"{ nope }"}"#, "application/json", &accept).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none());
    // A field error still executed: 200 with data.
    let (status, body) = post(
        &app,
        r#"{"query":"{ user(id: \"Project:1\") { id } }"}"#,
        "application/json",
        &accept,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("data").is_some());
    // Plain JSON clients always get 200.
    let (status, body) = post(&app, r#"{"query":"{ nope }"}"#, "application/json", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    app
}

async fn errors_carry_the_request_id(app: TestApp) -> TestApp {
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("x-request-id", "test-req-42")
        .json(&json!({ "query": "{ user(id: \"x:y\") { id } }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.headers()["x-request-id"], "test-req-42");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        json!("test-req-42"),
        "{body}"
    );
    // A made-up id when the client sends none (or a strange one).
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("x-request-id", "no spaces allowed")
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .expect("POST");
    let id = resp.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    assert_ne!(id, "no spaces allowed");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], json!(id));
    app
}

async fn malformed_requests_leave_the_server_serving(app: TestApp) -> TestApp {
    let long = "a".repeat(60_000);
    let cases = [
        json!({ "query": "{ user(id: 1) { id }" }).to_string(),
        json!({ "query": "{ user(id: 1) { id } }", "variables": "nope" }).to_string(),
        json!({ "query": "{ user(id: 1) { id } }", "operationName": "Missing" }).to_string(),
        json!({ "query": "query A { user(id: 1) { id } } query B { user(id: 2) { id } }" }).to_string(),
        json!({ "query": "query($n: Int!) { users(first: $n) { edges { cursor } } }", "variables": { "n": "x" } }).to_string(),
        json!({ "query": format!("{{ user(id: \"{long}\") {{ id }} }}") }).to_string(),
        json!({ "query": "mutation { createUser(input: { name: 1, email: [] }) { id } }" }).to_string(),
        "{\"query\": \"query($a: ID!) { user(id: $a) { id } }\", \"variables\": {\"a\": [[[[[[[[[[[[[[]]]]]]]]]]]]]]}}".to_owned(),
    ];
    for body in cases {
        let (status, resp) = post(&app, &body, "application/json", &[]).await;
        assert!(status < 500, "{status} for {body}: {resp}");
        if status == 200 {
            let errors = resp["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("an error for {body}: {resp}"));
            assert!(
                errors.iter().all(|e| e["extensions"]["code"].is_string()),
                "{resp}"
            );
        }
    }
    let d = app.data("{ user(id: 1) { id } }", json!({})).await;
    assert_eq!(d["user"]["id"], json!("User:1"));
    app
}

async fn introspection_can_be_switched_off(app: TestApp) -> TestApp {
    // Refused with an error that says why, as Apollo Server does, wherever
    // the document selects `__schema` or `__type` (fragments included).
    for q in [
        "{ __schema { types { name } } }",
        "{ __type(name: \"User\") { name } }",
        "{ user(id: 1) { id } ...F } fragment F on QueryRoot { __type(name: \"User\") { fields { name } } }",
    ] {
        let resp = app.gql(q, json!({})).await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"],
            json!("GRAPHQL_VALIDATION_FAILED"),
            "{resp}"
        );
        let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("introspection is turned off"), "{message}");
        assert!(resp.get("data").is_none(), "{resp}");
    }
    // No "Did you mean …": it would name what introspection hides.
    let resp = app.gql("{ user(id: 1) { emai } }", json!({})).await;
    let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("emai"), "{message}");
    assert!(
        !message.contains("email"),
        "a hint names a field: {message}"
    );
    let d = app
        .data("{ user(id: 1) { id __typename } }", json!({}))
        .await;
    assert_eq!(d["user"]["id"], json!("User:1"));
    app
}

/// A contended `set` waits for the source's lock, up to a bound, and then
/// answers with that bound's code (docs/subscriptions.md, "Mutations
/// beside subscriptions"): the statement timeout on PostgreSQL and
/// MariaDB (the `SELECT … FOR UPDATE` is cancelled), the request timeout
/// on SQLite, which has no statement timeout. `TIMEOUT` both ways, never
/// `INTERNAL` or `CONFLICT`, and nothing committed.
async fn a_set_that_waits_for_a_lock_past_its_bound_is_timeout(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let lock = lock_user_1(&app).await;
    let resp = app
        .gql(
            "mutation { setUserProfile(userId: 1, profileId: null) { user { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("TIMEOUT"),
        "{resp}"
    );
    let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
    let bound = match app.backend {
        hasone_tests::Backend::Sqlite => "the request took longer than 1000 ms",
        _ => "a database statement ran over the statement timeout",
    };
    assert_eq!(message, bound, "{resp}");
    lock.rollback().await.expect("unlock");
    assert_eq!(app.snapshot().await, before);
    // Nothing holds the source now: the same `set` waits for nothing.
    let resp = app
        .gql(
            "mutation { setUserProfile(userId: 1, profileId: null) { user { id } } }",
            json!({}),
        )
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    app
}

async fn slow_requests_time_out_cleanly(app: TestApp) -> TestApp {
    // The test's own connection locks user 1, so a `set` on user 1 cannot
    // finish before the request timeout however fast the machine is.
    let before = app.snapshot().await;
    let lock = lock_user_1(&app).await;
    let resp = app
        .gql(
            "mutation { setUserProfile(userId: 1, profileId: null) { user { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("TIMEOUT"),
        "{resp}"
    );
    // The timeout answers for the whole request: no data was computed.
    assert!(resp.get("data").is_none_or(Value::is_null), "{resp}");
    lock.rollback().await.expect("unlock");
    // The abandoned transaction committed nothing, and released what it
    // held: the same `set` now runs to the end.
    assert_eq!(app.snapshot().await, before);
    let resp = app
        .gql(
            "mutation { setUserProfile(userId: 1, profileId: null) { user { id } previous { rowId } } }",
            json!({}),
        )
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert!(
        resp["data"]["setUserProfile"]["previous"]["rowId"].is_i64(),
        "{resp}"
    );
    let health = app
        .client
        .get(format!("{}/health", app.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    app
}

async fn body_and_batch_errors_are_json_with_request_ids(app: TestApp) -> TestApp {
    // An array of numbers: the message says what a request is, and names
    // no internal type.
    let (status, body) = post(&app, "[1, 2, 3]", "application/json", &[]).await;
    assert_eq!(status, 400, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("a batch is an array"), "{message}");
    for internal in ["BatchRequest", "untagged", "enum", "struct"] {
        assert!(!message.contains(internal), "{message}");
    }
    assert!(
        body["errors"][0]["extensions"]["requestId"].is_string(),
        "{body}"
    );
    // Over the body limit: 413 as JSON, with the request id.
    let huge = json!({ "query": format!("{{ __typename }} #{}", "x".repeat(70 * 1024)) });
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("x-request-id", "big-1")
        .json(&huge)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.headers()["x-request-id"], "big-1");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let body: Value = resp.json().await.expect("413 is JSON");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], json!("big-1"));
    // A batch over the limit (10) has the request id too.
    let one = json!({ "query": "{ __typename }" });
    let batch = Value::Array(vec![one; 11]);
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("x-request-id", "batch-1")
        .json(&batch)
        .send()
        .await
        .expect("POST");
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("LIMIT_EXCEEDED")
    );
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        json!("batch-1")
    );
    // Every answer, GraphiQL and health included, says nosniff.
    for (path, accept) in [
        ("/graphql", "text/html"),
        ("/health", "*/*"),
        ("/ready", "*/*"),
    ] {
        let resp = app
            .client
            .get(format!("{}{path}", app.url))
            .header("accept", accept)
            .send()
            .await
            .expect("GET");
        assert_eq!(
            resp.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
    app
}

/// Not a backend test: the names are refused before anything connects.
#[tokio::test]
async fn reserved_schema_names_refuse_to_start() {
    for name in [
        "main",
        "temp",
        "public",
        "pg_catalog",
        "information_schema",
        "mysql",
        "sys",
    ] {
        let settings = Settings {
            server: hasone_actix::Settings {
                addr: "127.0.0.1:0".into(),
                database_url: Some("sqlite::memory:".into()),
                schemas: vec![name.into()],
                ..hasone_actix::Settings::default()
            },
            seed_users: 0,
        };
        let err = match hasone_server::startup::build(settings).await {
            Ok(_) => panic!("started with schema {name}"),
            Err(err) => err.to_string(),
        };
        assert!(
            err.contains(name) && err.contains("invalid schema name"),
            "{err}"
        );
    }
    // On MariaDB the database the URL names is the default schema itself.
    let settings = hasone_actix::Settings {
        schemas: vec!["tenant_a".into(), "shop".into()],
        ..hasone_actix::Settings::default()
    };
    let err = settings
        .allowlist("mysql://root@127.0.0.1:3306/shop")
        .expect_err("shop is the main database");
    assert!(err.to_string().contains("shop"), "{err}");
}

/// A transaction of the test's own that holds user 1 (`FOR UPDATE`; on
/// SQLite the write lock): a `set` or `create` on user 1 waits for it.
async fn lock_user_1(app: &TestApp) -> sea_orm::DatabaseTransaction {
    use hasone_tests::Backend;
    use sea_orm::{ConnectionTrait, TransactionTrait};
    match app.backend {
        Backend::Sqlite => app
            .db
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
            .expect("BEGIN IMMEDIATE"),
        _ => {
            let txn = app.db.begin().await.expect("BEGIN");
            txn.execute_unprepared("SELECT id FROM users WHERE id = 1 FOR UPDATE")
                .await
                .expect("lock user 1");
            txn
        }
    }
}

/// One pooled connection that a blocked mutation holds: every other
/// request waits for a connection, up to the acquire timeout.
fn one_connection(settings: &mut Settings) {
    settings.server.pool.db_pool_size = 1;
    settings.server.pool.db_acquire_timeout_ms = 300;
}

mod with_one_connection {
    use super::*;
    backend_tests!(
        options = Options { configure: one_connection, ..Options::default() };
        a_saturated_pool_answers_unavailable_while_ready_stays_up,
    );
}

async fn a_saturated_pool_answers_unavailable_while_ready_stays_up(app: TestApp) -> TestApp {
    // The test's own connection locks user 1; a `set` on user 1 then waits
    // for it while holding the server's only pooled connection.
    let lock = lock_user_1(&app).await;
    let url = format!("{}/graphql", app.url);
    let blocked = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .json(&json!({ "query": "mutation { setUserProfile(userId: 1, profileId: null) { user { id } } }" }))
            .send()
            .await
            .expect("POST")
            .json::<Value>()
            .await
            .expect("JSON")
    });
    // Until the mutation holds the connection, a query may still get it.
    let mut answered = None;
    for _ in 0..50 {
        let resp = app
            .client
            .post(format!("{}/graphql", app.url))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": "{ users(first: 1) { edges { node { id } } } }" }))
            .send()
            .await
            .expect("POST");
        if resp.status() == 503 {
            answered = Some(resp);
            break;
        }
    }
    let resp = answered.expect("a 503 while the pool was exhausted");
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("UNAVAILABLE"),
        "{body}"
    );
    assert!(body.get("data").is_none(), "{body}");
    // Plain JSON clients: 200, the same code, the header.
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": "{ user(id: 2) { id } }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("UNAVAILABLE"),
        "{body}"
    );
    assert_eq!(body["data"]["user"], Value::Null, "{body}");
    // `/ready` is about the database, which answers.
    let ready = app
        .client
        .get(format!("{}/ready", app.url))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    lock.rollback().await.expect("unlock");
    let done = blocked.await.expect("mutation");
    assert_eq!(
        done["data"]["setUserProfile"]["user"]["id"],
        json!("User:1"),
        "{done}"
    );
    app
}
