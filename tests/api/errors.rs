//! Bad input: a clear error with `extensions.code`, and no row changed.

use hasone_tests::{TestApp, backend_tests, post_json};
use serde_json::json;

use crate::{profile_of, unlinked_profile};

backend_tests!(
    unknown_source_is_not_found_and_changes_nothing,
    unknown_target_is_not_found_and_keeps_the_current_link,
    create_on_an_unknown_source_inserts_nothing,
    ids_of_the_wrong_type_are_bad_user_input,
    unique_violations_are_conflicts,
    graphql_errors_carry_codes,
    deleting_a_source_unlinks_its_targets,
    updates_racing_deletes_are_not_found_never_internal,
    nul_characters_are_bad_user_input_on_every_backend,
);

const SET: &str =
    "mutation($u: ID!, $p: ID) { setUserProfile(userId: $u, profileId: $p) { profile { id } } }";

async fn unknown_source_is_not_found_and_changes_nothing(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let target = unlinked_profile(&app).await;
    let code = app
        .error_code(SET, json!({ "u": "User:9999", "p": target.to_string() }))
        .await;
    assert_eq!(code, "NOT_FOUND");
    let resp = app
        .gql(SET, json!({ "u": "User:9999", "p": target.to_string() }))
        .await;
    assert!(
        resp["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("9999")),
        "{resp}"
    );
    assert_eq!(app.snapshot().await, before);
    app
}

async fn unknown_target_is_not_found_and_keeps_the_current_link(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let current = profile_of(&app, 1).await;
    for (mutation, arg, ty) in [
        ("setUserProfile", "profileId", "Profile"),
        ("setUserBillingAddress", "billingAddressId", "Address"),
        ("setUserShippingAddress", "shippingAddressId", "Address"),
        ("setUserProject", "projectId", "Project"),
    ] {
        let q = format!(
            "mutation {{ {mutation}(userId: \"User:2\", {arg}: \"{ty}:99999\") {{ previous {{ id }} }} }}"
        );
        assert_eq!(
            app.error_code(&q, json!({})).await,
            "NOT_FOUND",
            "{mutation}"
        );
    }
    assert_eq!(profile_of(&app, 1).await, current);
    assert_eq!(app.snapshot().await, before);
    // One message for a missing row, whatever path finds it missing and
    // however its id was given (a global id or the bare key).
    for q in [
        "mutation { setUserProfile(userId: \"User:2\", profileId: \"Profile:99999\") { previous { id } } }",
        "mutation { setUserProfile(userId: \"User:2\", profileId: 99999) { previous { id } } }",
        "mutation { updateProfile(id: \"Profile:99999\", input: { bio: \"x\" }) { id } }",
        "mutation { updateProfile(id: 99999, input: { bio: \"x\" }) { id } }",
        "mutation { deleteProfile(id: \"Profile:99999\") }",
    ] {
        let resp = app.gql(q, json!({})).await;
        assert_eq!(
            resp["errors"][0]["message"],
            json!("Profile 99999 not found"),
            "{q}: {resp}"
        );
    }
    app
}

async fn create_on_an_unknown_source_inserts_nothing(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let q =
        "mutation { createUserProfile(userId: 424242, input: { bio: \"x\" }) { profile { id } } }";
    assert_eq!(app.error_code(q, json!({})).await, "NOT_FOUND");
    let q = "mutation { createUserBillingAddress(userId: \"User:424242\", input: { street: \"s\", city: \"c\", country: \"x\" }) { billingAddress { id } } }";
    assert_eq!(app.error_code(q, json!({})).await, "NOT_FOUND");
    assert_eq!(app.snapshot().await, before);
    app
}

async fn ids_of_the_wrong_type_are_bad_user_input(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    for (u, p) in [
        ("Profile:1", "Profile:1"),
        ("User:1", "User:2"),
        ("User:x", "1"),
        ("", "1"),
        ("1", "Address:1"),
    ] {
        let code = app.error_code(SET, json!({ "u": u, "p": p })).await;
        assert_eq!(code, "BAD_USER_INPUT", "{u} {p}");
    }
    let q = "{ user(id: \"Project:1\") { id } }";
    assert_eq!(app.error_code(q, json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.snapshot().await, before);
    app
}

async fn unique_violations_are_conflicts(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let q =
        "mutation { createUser(input: { name: \"Dup\", email: \"user1@example.com\" }) { id } }";
    assert_eq!(app.error_code(q, json!({})).await, "CONFLICT");
    let q = "mutation { updateUser(id: 2, input: { email: \"user1@example.com\" }) { id } }";
    assert_eq!(app.error_code(q, json!({})).await, "CONFLICT");
    assert_eq!(app.snapshot().await, before);
    app
}

async fn graphql_errors_carry_codes(app: TestApp) -> TestApp {
    let cases = [
        ("{ user(id: 1) { id ", json!({}), "GRAPHQL_PARSE_FAILED"),
        (
            "{ user(id: 1) { nope } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "{ users(first: \"ten\") { edges { cursor } } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "query($n: Int) { users(first: $n) { edges { cursor } } }",
            json!({ "n": "ten" }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "{ user(id: 1) { project(schema: \"public\\\"; DROP TABLE users; --\") { id } } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "{ users(first: -1) { edges { cursor } } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
    ];
    for (query, vars, expected) in cases {
        let resp = app.gql(query, vars).await;
        let code = resp["errors"][0]["extensions"]["code"].as_str();
        assert_eq!(code, Some(expected), "{query}: {resp}");
    }
    // Users are all still there after the injection attempt.
    let d = app
        .data("{ users(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(d["users"]["totalCount"], json!(20));
    app
}

async fn deleting_a_source_unlinks_its_targets(app: TestApp) -> TestApp {
    // ON DELETE SET NULL, Sequelize's hasOne default.
    let profile = profile_of(&app, 1).await.expect("profile");
    let d = app
        .data("mutation { deleteUser(id: \"User:1\") }", json!({}))
        .await;
    assert_eq!(d["deleteUser"], json!("User:1"));
    let q = "query($id: ID!) { node(id: $id) { ... on Profile { userId } } }";
    let d = app
        .data(q, json!({ "id": format!("Profile:{profile}") }))
        .await;
    assert_eq!(d["node"]["userId"], serde_json::Value::Null);
    let q = "mutation { deleteUser(id: \"User:1\") }";
    assert_eq!(app.error_code(q, json!({})).await, "NOT_FOUND");
    app
}

async fn updates_racing_deletes_are_not_found_never_internal(app: TestApp) -> TestApp {
    // Fresh profiles, each updated and deleted at the same time.
    let mut ids = Vec::new();
    for i in 0..40 {
        let d = app
            .data(
                "mutation($b: String!) { createProfile(input: { bio: $b }) { rowId } }",
                json!({ "b": format!("race {i}") }),
            )
            .await;
        ids.push(d["createProfile"]["rowId"].as_i64().expect("rowId"));
    }
    let url = format!("{}/graphql", app.url);
    let mut tasks = Vec::new();
    for id in ids {
        for query in [
            "mutation($id: ID!) { r: updateProfile(id: $id, input: { bio: \"changed\" }) { id } }",
            "mutation($id: ID!) { r: deleteProfile(id: $id) }",
        ] {
            let (url, client) = (url.clone(), reqwest::Client::new());
            tasks.push(tokio::spawn(async move {
                let body = json!({ "query": query, "variables": { "id": id.to_string() } });
                let resp = post_json(&client, &url, &body).await;
                resp["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("ok")
                    .to_owned()
            }));
        }
    }
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for task in tasks {
        *outcomes.entry(task.await.expect("task")).or_default() += 1;
    }
    assert!(
        outcomes.keys().all(|k| k == "ok" || k == "NOT_FOUND"),
        "{outcomes:?}"
    );
    assert_eq!(outcomes.values().sum::<usize>(), 80);
    app
}

async fn nul_characters_are_bad_user_input_on_every_backend(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    for (q, vars) in [
        (
            "mutation($v: String!) { createProfile(input: { bio: $v }) { id } }",
            json!({ "v": "a\u{0}b" }),
        ),
        (
            "mutation($v: String!) { createUserProfile(userId: 1, input: { bio: $v }) { profile { id } } }",
            json!({ "v": "\u{0}" }),
        ),
        (
            "mutation($v: String!) { updateUser(id: 2, input: { name: $v }) { id } }",
            json!({ "v": "x\u{0}" }),
        ),
        (
            "mutation($v: String!) { createUser(input: { name: \"n\", email: $v }) { id } }",
            json!({ "v": "a@b\u{0}" }),
        ),
    ] {
        assert_eq!(app.error_code(q, vars).await, "BAD_USER_INPUT", "{q}");
    }
    assert_eq!(app.snapshot().await, before);
    app
}
