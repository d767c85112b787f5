//! Batching, proven by counting the SQL statements the server issues.

use hasone_tests::{Options, TestApp, at, backend_tests};
use serde_json::{Value, json};

const FOUR_FIELDS: &str = "query($n: Int) { users(first: $n) { edges { node { id \
    profile { id } billingAddress { id } shippingAddress { id } project { id } } } } }";

fn options() -> Options {
    Options {
        seed_users: 60,
        ..Options::default()
    }
}

backend_tests!(
    options = options();
    one_statement_per_has_one_field_whatever_the_page_size,
    nested_levels_add_one_statement_per_field,
    each_scope_set_is_its_own_statement,
    loaders_do_not_outlive_a_request,
);

async fn one_statement_per_has_one_field_whatever_the_page_size(app: TestApp) -> TestApp {
    let mut counts = Vec::new();
    for n in [1, 10, 50] {
        let (resp, statements) = app.gql_counted(FOUR_FIELDS, json!({ "n": n })).await;
        assert!(resp.get("errors").is_none(), "{resp}");
        let edges = at(&resp, "data.users.edges").as_array().expect("edges");
        assert_eq!(edges.len(), n);
        // Every field resolved to something for at least one user.
        for field in ["profile", "billingAddress", "shippingAddress"] {
            assert!(
                edges.iter().any(|e| e["node"][field] != Value::Null),
                "{field}"
            );
        }
        counts.push(statements);
    }
    // 1 for the page of users + 1 per has-one field.
    assert_eq!(
        counts,
        vec![5, 5, 5],
        "[{:?}] statements for first = 1, 10, 50",
        app.backend
    );
    // totalCount costs one more, only when asked for.
    let q = "{ users(first: 50) { totalCount edges { node { profile { id } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert_eq!(resp["data"]["users"]["totalCount"], json!(60));
    assert_eq!(statements, 3);
    app
}

async fn nested_levels_add_one_statement_per_field(app: TestApp) -> TestApp {
    let q =
        "{ users(first: 40) { edges { node { profile { user { project { owner { id } } } } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // users, profile, profile.user, project; project.owner asks for the
    // same users as profile.user and is answered from the request's cache.
    assert_eq!(statements, 4);
    let edges = at(&resp, "data.users.edges").as_array().expect("edges");
    let owners = edges
        .iter()
        .filter(|e| at(e, "node.profile.user.project.owner.id") != &Value::Null)
        .count();
    assert!(owners > 10, "{owners} users reached their project's owner");
    app
}

async fn each_scope_set_is_its_own_statement(app: TestApp) -> TestApp {
    let q = "{ users(first: 50) { edges { node { project { id } archived: project(scope: [ARCHIVED]) { id } \
        all: project(scope: []) { id } again: project { id } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // users + three distinct scope sets (the repeated default is cached).
    assert_eq!(statements, 4);
    // A scope given by a variable: the page's targets are read once, in
    // that scope only.
    let q = "query($s: [ProjectScope!]) { users(first: 50) { edges { node { project(scope: $s) { id archived } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({ "s": ["ARCHIVED"] })).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    let edges = at(&resp, "data.users.edges").as_array().expect("edges");
    assert!(
        edges.iter().all(|e| matches!(
            at(e, "node.project.archived"),
            Value::Null | Value::Bool(true)
        )),
        "{resp}"
    );
    assert!(
        edges
            .iter()
            .any(|e| at(e, "node.project.archived") == &json!(true))
    );
    assert_eq!(statements, 2);
    app
}

async fn loaders_do_not_outlive_a_request(app: TestApp) -> TestApp {
    let (_, first) = app.gql_counted(FOUR_FIELDS, json!({ "n": 20 })).await;
    let (_, second) = app.gql_counted(FOUR_FIELDS, json!({ "n": 20 })).await;
    assert_eq!(first, second, "the second request hit a cache of the first");
    app
}
