//! The `schema` option: target tables read and written in allowlisted
//! tenant schemas (PostgreSQL schemas, MariaDB databases, attached SQLite
//! files).

use hasone_tests::{Options, TestApp, at, backend_tests};
use serde_json::{Value, json};

fn options() -> Options {
    Options {
        schemas: vec!["tenant_a".into(), "tenant_b".into()],
        ..Options::default()
    }
}

backend_tests!(
    options = options();
    one_source_links_different_targets_in_two_schemas,
    a_query_mixing_schemas_batches_per_schema,
    set_in_a_schema_checks_ids_against_it,
    names_outside_the_allowlist_are_rejected_and_change_nothing,
    deleting_or_renaming_a_user_reaches_its_tenant_rows,
);

const CREATE: &str = "mutation($u: ID!, $bio: String!, $s: String) { \
    createUserProfile(userId: $u, input: { bio: $bio }, schema: $s) { profile { id bio userId } previous { id } } }";

async fn create_profile(app: &TestApp, user: i32, bio: &str, schema: &str) -> Value {
    app.data(
        CREATE,
        json!({ "u": user.to_string(), "bio": bio, "s": schema }),
    )
    .await["createUserProfile"]
        .clone()
}

async fn one_source_links_different_targets_in_two_schemas(app: TestApp) -> TestApp {
    let (a, b) = (app.schema("tenant_a"), app.schema("tenant_b"));
    let in_a = create_profile(&app, 1, "in a", &a).await;
    assert_eq!(at(&in_a, "profile.userId"), &json!("User:1"));
    // The row read back is the tenant's (the public table has a profile
    // with the same row id and another bio).
    assert_eq!(at(&in_a, "profile.bio"), &json!("in a"));
    assert_eq!(at(&in_a, "profile.id"), &json!(format!("Profile:{a}:1")));
    assert_eq!(in_a["previous"], Value::Null);
    create_profile(&app, 1, "in b", &b).await;

    let q = "query($a: String, $b: String) { user(id: 1) { \
        main: profile { bio } a: profile(schema: $a) { bio id user { id } } b: profile(schema: $b) { bio } } }";
    let d = app.data(q, json!({ "a": a, "b": b })).await;
    assert_eq!(at(&d, "user.main.bio"), &json!("Bio of user 1"));
    assert_eq!(at(&d, "user.a.bio"), &json!("in a"));
    assert_eq!(at(&d, "user.a.user.id"), &json!("User:1"));
    assert_eq!(at(&d, "user.b.bio"), &json!("in b"));

    // Unlinking in tenant_a leaves tenant_b and the default schema alone.
    let q = "mutation($s: String) { setUserProfile(userId: 1, profileId: null, schema: $s) { previous { id bio userId } } }";
    let d = app.data(q, json!({ "s": a })).await;
    assert_eq!(at(&d, "setUserProfile.previous.bio"), &json!("in a"));
    assert_eq!(at(&d, "setUserProfile.previous.userId"), &Value::Null);
    let q = "query($a: String, $b: String) { user(id: 1) { main: profile { bio } a: profile(schema: $a) { bio } b: profile(schema: $b) { bio } } }";
    let d = app.data(q, json!({ "a": a, "b": b })).await;
    assert_eq!(at(&d, "user.main.bio"), &json!("Bio of user 1"));
    assert_eq!(at(&d, "user.a"), &Value::Null);
    assert_eq!(at(&d, "user.b.bio"), &json!("in b"));

    // The tenant row is reachable by its global id.
    let q = "query($id: ID!) { node(id: $id) { ... on Profile { bio userId } } }";
    let d = app.data(q, json!({ "id": format!("Profile:{a}:1") })).await;
    assert_eq!(at(&d, "node.bio"), &json!("in a"));
    app
}

async fn a_query_mixing_schemas_batches_per_schema(app: TestApp) -> TestApp {
    let (a, b) = (app.schema("tenant_a"), app.schema("tenant_b"));
    for user in 1..=6 {
        create_profile(&app, user, &format!("a{user}"), &a).await;
        if user % 2 == 0 {
            create_profile(&app, user, &format!("b{user}"), &b).await;
        }
    }
    let q = "query($a: String, $b: String) { users(first: 10) { edges { node { rowId \
        main: profile { bio } a: profile(schema: $a) { bio } b: profile(schema: $b) { bio } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({ "a": a, "b": b })).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // users + one statement per schema.
    assert_eq!(statements, 4);
    let edges = at(&resp, "data.users.edges")
        .as_array()
        .expect("edges")
        .clone();
    for edge in &edges {
        let node = &edge["node"];
        let user = node["rowId"].as_i64().expect("rowId");
        let expect_a = (user <= 6).then(|| json!({ "bio": format!("a{user}") }));
        let expect_b = (user <= 6 && user % 2 == 0).then(|| json!({ "bio": format!("b{user}") }));
        assert_eq!(node["a"], expect_a.unwrap_or(Value::Null), "user {user}");
        assert_eq!(node["b"], expect_b.unwrap_or(Value::Null), "user {user}");
    }
    app
}

async fn set_in_a_schema_checks_ids_against_it(app: TestApp) -> TestApp {
    let (a, b) = (app.schema("tenant_a"), app.schema("tenant_b"));
    let created = create_profile(&app, 2, "a2", &a).await;
    let id = at(&created, "profile.id").as_str().expect("id").to_owned();
    // Move it to user 3 in tenant_a, by global id.
    let q = "mutation($u: ID!, $p: ID, $s: String) { setUserProfile(userId: $u, profileId: $p, schema: $s) { \
        profile { id userId } previous { id } } }";
    let d = app.data(q, json!({ "u": "User:3", "p": id, "s": a })).await;
    assert_eq!(at(&d, "setUserProfile.profile.userId"), &json!("User:3"));
    // The same id with another schema argument, or none, is refused.
    let before = app.snapshot().await;
    for schema in [json!(b), Value::Null] {
        let code = app
            .error_code(q, json!({ "u": "User:4", "p": id, "s": schema }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "schema {schema}");
    }
    // A row id is looked up in the named schema: tenant_b has no row 1.
    let code = app
        .error_code(q, json!({ "u": "User:4", "p": "1", "s": b }))
        .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(app.snapshot().await, before);
    app
}

async fn names_outside_the_allowlist_are_rejected_and_change_nothing(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let q = "mutation($s: String) { createUserProfile(userId: 1, input: { bio: \"x\" }, schema: $s) { profile { id } } }";
    for bad in [
        "public\"; DROP TABLE users; --",
        "tenant_c",
        "TENANT_A",
        "tenant_a; DROP TABLE profiles",
        "information_schema",
        "",
    ] {
        let resp = app.gql(q, json!({ "s": bad })).await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"],
            json!("BAD_USER_INPUT"),
            "{bad}: {resp}"
        );
        let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&app.schema("tenant_a")),
            "names the allowed schemas: {message}"
        );
        let read = app
            .gql(
                "query($s: String) { user(id: 1) { profile(schema: $s) { id } } }",
                json!({ "s": bad }),
            )
            .await;
        assert_eq!(
            read["errors"][0]["extensions"]["code"],
            json!("BAD_USER_INPUT"),
            "{bad}"
        );
    }
    assert_eq!(app.snapshot().await, before);
    let d = app
        .data("{ users(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(d["users"]["totalCount"], json!(20));
    app
}

async fn deleting_or_renaming_a_user_reaches_its_tenant_rows(app: TestApp) -> TestApp {
    let a = app.schema("tenant_a");
    let profile = create_profile(&app, 1, "tenant profile", &a).await;
    let profile_id = at(&profile, "profile.id").as_str().expect("id").to_owned();
    let q = "mutation($u: ID!, $s: String) { createUserSettings(userId: $u, input: { theme: DARK }, schema: $s) { settings { id userHandle } } }";
    let one = app.data(q, json!({ "u": "User:1", "s": a })).await;
    assert_eq!(
        at(&one, "createUserSettings.settings.userHandle"),
        &json!("user1")
    );
    let two = app.data(q, json!({ "u": "User:2", "s": a })).await;
    let two_id = at(&two, "createUserSettings.settings.id").clone();

    // `onDelete`: the profile is unlinked (SET NULL), the settings go with
    // their user (CASCADE), in the tenant schema as in the default one.
    app.data("mutation { deleteUser(id: \"User:1\") }", json!({}))
        .await;
    let q = "query($id: ID!) { node(id: $id) { ... on Profile { userId bio } } }";
    let d = app.data(q, json!({ "id": profile_id })).await;
    assert_eq!(at(&d, "node.bio"), &json!("tenant profile"));
    assert_eq!(at(&d, "node.userId"), &Value::Null);
    // A new user taking the handle inherits nothing.
    let d = app
        .data(
            "mutation { createUser(input: { name: \"New\", email: \"new@example.com\", handle: \"user1\" }) { rowId } }",
            json!({}),
        )
        .await;
    let new_user = at(&d, "createUser.rowId").clone();
    let q = "query($u: ID!, $s: String) { user(id: $u) { settings(schema: $s) { id } } }";
    let d = app
        .data(q, json!({ "u": new_user.to_string(), "s": a }))
        .await;
    assert_eq!(at(&d, "user.settings"), &Value::Null, "inherited: {d}");

    // `ON UPDATE CASCADE`: renaming user 2's handle moves its settings.
    let q = "mutation { updateUser(id: \"User:2\", input: { handle: \"renamed\" }) { handle } }";
    app.data(q, json!({})).await;
    let q = "query($s: String) { user(id: 2) { settings(schema: $s) { id userHandle } } }";
    let d = app.data(q, json!({ "s": a })).await;
    assert_eq!(at(&d, "user.settings.id"), &two_id);
    assert_eq!(at(&d, "user.settings.userHandle"), &json!("renamed"));
    app
}
