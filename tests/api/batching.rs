//! Batching, proven by counting the SQL statements the server issues.

use hasone_tests::{Options, TestApp, at, backend_tests};
use sea_orm::DbBackend;
use serde_json::{Value, json};

use crate::{address_of, profile_of, unlinked_address, unlinked_profile};

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
    scopes_on_one_column_share_a_statement,
    loaders_do_not_outlive_a_request,
    mutations_cost_four_statements_where_update_returns_rows,
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
    // 1 for the page of users + 1 per has-one field, except that the
    // billing and the shipping address (scopes on one column of one table)
    // share theirs where the column compares exactly (not MariaDB's
    // case-insensitive strings: `hasone::load`).
    let n = shared(&app, 4, 5);
    assert_eq!(
        counts,
        vec![n, n, n],
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
    // users; profile, billing and shipping (one statement but on MariaDB),
    // settings. The users the targets point back to are the page's, primed
    // by id and by handle (the source keys of the associations): none.
    assert_eq!(statements, shared(&app, 4, 5));
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
    // The user; its targets (billing and shipping in one statement but on
    // MariaDB); their users are the same user, cached.
    assert_eq!(statements, shared(&app, 4, 5));
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

async fn scopes_on_one_column_share_a_statement(app: TestApp) -> TestApp {
    // billingAddress and shippingAddress are `kind = billing` / `kind =
    // shipping` on addresses: one statement (two on MariaDB), and each user
    // still gets the row of its own kind (the rows in the database).
    let both = "{ users(first: 60) { edges { node { rowId \
        billingAddress { rowId kind } shippingAddress { rowId kind } } } } }";
    let (resp, statements) = app.gql_counted(both, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, shared(&app, 2, 3), "page + addresses: {resp}");
    let mut checked = 0;
    for edge in at(&resp, "data.users.edges").as_array().expect("edges") {
        let user = at(edge, "node.rowId").as_i64().expect("rowId") as i32;
        for (field, kind) in [
            ("billingAddress", "billing"),
            ("shippingAddress", "shipping"),
        ] {
            let expected = address_of(&app, user, kind).await;
            let got = edge["node"][field]["rowId"].as_i64().map(|id| id as i32);
            assert_eq!(got, expected, "user {user} {field}");
            if got.is_some() {
                assert_eq!(edge["node"][field]["kind"], json!(kind.to_uppercase()));
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} addresses checked");
    // Different model scopes are different conditions: their own statements.
    // (Also on MariaDB, where the shared statement's rows would have to be
    // told apart by the case-insensitive `kind` column.)
    let q = "{ users(first: 60) { edges { node { \
        billingAddress(scope: [VERIFIED]) { rowId } shippingAddress { rowId } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 3, "{resp}");
    app
}

/// Statements where scoped lookups on one string column share one, and on
/// MariaDB, where they do not.
fn shared(app: &TestApp, sharing: u64, mariadb: u64) -> u64 {
    if app.db.get_database_backend() == DbBackend::MySql {
        mariadb
    } else {
        sharing
    }
}

async fn loaders_do_not_outlive_a_request(app: TestApp) -> TestApp {
    let (_, first) = app.gql_counted(FOUR_FIELDS, json!({ "n": 20 })).await;
    let (_, second) = app.gql_counted(FOUR_FIELDS, json!({ "n": 20 })).await;
    assert_eq!(first, second, "the second request hit a cache of the first");
    app
}

/// `set` and `create` from the core, counted: PostgreSQL and SQLite read
/// the new target and the current one in one locked `SELECT` and take
/// every row back from `UPDATE`/`INSERT … RETURNING`; MariaDB has no
/// `UPDATE … RETURNING` and locks the two by index, so it reads them apart.
/// PostgreSQL adds the `NOTIFY` of the change.
async fn mutations_cost_four_statements_where_update_returns_rows(app: TestApp) -> TestApp {
    let returning = app.db.get_database_backend() != DbBackend::MySql;
    // A change is announced to subscribers in its own transaction on
    // PostgreSQL: one `SELECT pg_notify(…)` more (docs/subscriptions.md).
    let notify = u64::from(app.db.get_database_backend() == DbBackend::Postgres);
    let expect = |returning_count: u64, other: u64| if returning { returning_count } else { other };

    // Move: lock the source, read target and current, unlink, link.
    let old = profile_of(&app, 1).await.expect("user 1 has a profile");
    let new = unlinked_profile(&app).await;
    let q = "mutation($p: ID) { setUserProfile(userId: \"User:1\", profileId: $p) { \
        profile { rowId } previous { rowId } } }";
    let (resp, statements) = app
        .gql_counted(q, json!({ "p": format!("Profile:{new}") }))
        .await;
    assert_eq!(
        at(&resp, "data.setUserProfile.profile.rowId"),
        &json!(new),
        "{resp}"
    );
    assert_eq!(
        at(&resp, "data.setUserProfile.previous.rowId"),
        &json!(old),
        "{resp}"
    );
    assert_eq!(statements, expect(4, 7) + notify, "set that moves: {resp}");

    // The linked target again: lock, one read, nothing written.
    let (resp, statements) = app
        .gql_counted(q, json!({ "p": format!("Profile:{new}") }))
        .await;
    assert_eq!(
        at(&resp, "data.setUserProfile.previous"),
        &Value::Null,
        "{resp}"
    );
    assert_eq!(statements, expect(2, 3), "set of the linked target: {resp}");

    // Unlink: lock, current, unlink.
    let (resp, statements) = app.gql_counted(q, json!({ "p": null })).await;
    assert_eq!(
        at(&resp, "data.setUserProfile.previous.rowId"),
        &json!(new),
        "{resp}"
    );
    assert_eq!(statements, expect(3, 4) + notify, "set(null): {resp}");

    // A scoped association: the scope is assigned in the same UPDATE.
    let billing = address_of(&app, 2, "billing")
        .await
        .expect("user 2 has a billing address");
    let other = unlinked_address(&app, "billing").await;
    let q = "mutation($a: ID) { setUserBillingAddress(userId: \"User:2\", billingAddressId: $a) { \
        billingAddress { rowId } previous { rowId } } }";
    let (resp, statements) = app
        .gql_counted(q, json!({ "a": format!("Address:{other}") }))
        .await;
    assert_eq!(
        at(&resp, "data.setUserBillingAddress.previous.rowId"),
        &json!(billing),
        "{resp}"
    );
    assert_eq!(statements, expect(4, 7) + notify, "scoped set: {resp}");

    // Create over a current target: lock, current, unlink, insert.
    let q = "mutation { createUserProfile(userId: \"User:1\", input: { bio: \"x\" }) { \
        profile { rowId } previous { rowId } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert_eq!(
        at(&resp, "data.createUserProfile.previous"),
        &Value::Null,
        "{resp}"
    );
    assert_eq!(
        statements,
        expect(3, 4) + notify,
        "create on no current target: {resp}"
    );
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(
        at(&resp, "data.createUserProfile.previous.rowId").is_i64(),
        "{resp}"
    );
    assert_eq!(
        statements,
        expect(4, 6) + notify,
        "create over a current target: {resp}"
    );
    app
}
