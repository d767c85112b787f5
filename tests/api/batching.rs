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
    branches_of_one_level_share_their_batches,
    a_single_user_batches_its_fields,
    skipped_fields_cost_no_statement,
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
    // users, profile, project: profile.user and project.owner are users of
    // the page, which it primed the by-id loader with.
    assert_eq!(statements, 3);
    let edges = at(&resp, "data.users.edges").as_array().expect("edges");
    let owners = edges
        .iter()
        .filter(|e| at(e, "node.profile.user.project.owner.id") != &Value::Null)
        .count();
    assert!(owners > 10, "{owners} users reached their project's owner");
    app
}

async fn branches_of_one_level_share_their_batches(app: TestApp) -> TestApp {
    let q = "{ users(first: 50) { edges { node { id \
        profile { user { id } } billingAddress { user { id } } \
        shipping: shippingAddress(scope: []) { owner: user { id } } settings { user { id } } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // users; profile, billing, shipping, settings. The users the targets
    // point back to are the page's, primed by id and by handle (the source
    // keys of the associations): no statement.
    assert_eq!(statements, 5);
    let edges = at(&resp, "data.users.edges").as_array().expect("edges");
    for (path, min) in [
        ("node.profile.user.id", 40),
        ("node.billingAddress.user.id", 30),
        ("node.shipping.owner.id", 30),
        ("node.settings.user.id", 10),
    ] {
        let back = edges
            .iter()
            .filter(|e| at(e, path) != &Value::Null)
            .inspect(|e| assert_eq!(at(e, path), at(e, "node.id"), "{path}"))
            .count();
        assert!(back >= min, "{back} users reached back through {path}");
    }
    app
}

async fn a_single_user_batches_its_fields(app: TestApp) -> TestApp {
    let q = "{ user(id: 7) { id profile { id user { id } } billingAddress { id } \
        shippingAddress { id } project(scope: []) { id owner { id } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // The user; its four targets; their users are the same user, cached.
    assert_eq!(statements, 5);
    let user = at(&resp, "data.user");
    assert_eq!(at(user, "id"), &json!("User:7"));
    assert_eq!(at(user, "profile.user.id"), &json!("User:7"));
    app
}

async fn skipped_fields_cost_no_statement(app: TestApp) -> TestApp {
    let q = "query($p: Boolean!) { users(first: 20) { edges { node { id \
        profile @skip(if: true) { id } project @include(if: $p) { id } \
        billingAddress @include(if: true) { id } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({ "p": false })).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // users + billingAddress: the skipped fields load nothing.
    assert_eq!(statements, 2);
    let edges = at(&resp, "data.users.edges").as_array().expect("edges");
    assert!(edges.iter().all(|e| e["node"].get("profile").is_none()));
    assert!(
        edges
            .iter()
            .any(|e| at(e, "node.billingAddress.id") != &Value::Null)
    );
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
