//! `getAssociation`: has-one fields, association and model scopes, inverses.

use hasone_tests::{TestApp, at, backend_tests};
use serde_json::{Value, json};

use crate::{address_of, profile_of, project_of};

backend_tests!(
    get_returns_the_linked_target,
    get_returns_null_when_nothing_is_linked,
    association_scope_tells_billing_from_shipping,
    default_scope_hides_archived_projects,
    scope_list_replaces_or_merges_the_default,
    a_scope_in_a_variable_is_the_scope_inline,
    named_scopes_of_profile_and_address,
    inverse_fields_lead_back_to_the_source,
);

const USER_FIELDS: &str = "query($id: ID!) { user(id: $id) { id profile { id rowId userId } \
    billingAddress { rowId kind } shippingAddress { rowId kind } project { rowId archived } } }";

async fn user(app: &TestApp, id: i32) -> Value {
    app.data(USER_FIELDS, json!({ "id": format!("User:{id}") }))
        .await["user"]
        .clone()
}

async fn get_returns_the_linked_target(app: TestApp) -> TestApp {
    let u = user(&app, 2).await;
    let profile = profile_of(&app, 2).await.expect("user 2 has a profile");
    assert_eq!(at(&u, "profile.rowId"), &json!(profile));
    assert_eq!(at(&u, "profile.id"), &json!(format!("Profile:{profile}")));
    assert_eq!(at(&u, "profile.userId"), &json!("User:2"));
    let project = project_of(&app, 2).await.expect("user 2 has a project");
    assert_eq!(at(&u, "project.rowId"), &json!(project.id));
    app
}

async fn get_returns_null_when_nothing_is_linked(app: TestApp) -> TestApp {
    // Seed: user 5 has no profile, user 12 no billing address and no
    // shipping address, user 3 no project.
    assert_eq!(profile_of(&app, 5).await, None);
    assert_eq!(at(&user(&app, 5).await, "profile"), &Value::Null);
    let u12 = user(&app, 12).await;
    assert_eq!(u12["billingAddress"], Value::Null);
    assert_eq!(u12["shippingAddress"], Value::Null);
    assert_eq!(user(&app, 3).await["project"], Value::Null);
    app
}

async fn association_scope_tells_billing_from_shipping(app: TestApp) -> TestApp {
    let u = user(&app, 1).await;
    assert_eq!(at(&u, "billingAddress.kind"), &json!("BILLING"));
    assert_eq!(at(&u, "shippingAddress.kind"), &json!("SHIPPING"));
    assert_eq!(
        at(&u, "billingAddress.rowId"),
        &json!(address_of(&app, 1, "billing").await.expect("billing"))
    );
    assert_eq!(
        at(&u, "shippingAddress.rowId"),
        &json!(address_of(&app, 1, "shipping").await.expect("shipping"))
    );
    // User 4 has a shipping address but no billing one: the scope keeps the
    // shipping row out of `billingAddress`.
    let u4 = user(&app, 4).await;
    assert_eq!(u4["billingAddress"], Value::Null);
    assert_eq!(at(&u4, "shippingAddress.kind"), &json!("SHIPPING"));
    app
}

async fn default_scope_hides_archived_projects(app: TestApp) -> TestApp {
    let archived = project_of(&app, 10).await.expect("user 10 has a project");
    assert!(archived.archived);
    assert_eq!(user(&app, 10).await["project"], Value::Null);
    app
}

async fn a_scope_in_a_variable_is_the_scope_inline(app: TestApp) -> TestApp {
    // Variables come as JSON: enum values as strings, and one value where
    // the argument is a list (input coercion makes it a list of one).
    let q =
        "query($id: ID!, $s: [ProjectScope!]) { user(id: $id) { project(scope: $s) { rowId } } }";
    let active = project_of(&app, 2).await.expect("project").id;
    let archived = project_of(&app, 10).await.expect("project").id;
    for (user, scope, expected) in [
        ("User:2", json!("ARCHIVED"), Value::Null),
        ("User:2", json!(["ARCHIVED"]), Value::Null),
        ("User:2", json!("ACTIVE"), json!({ "rowId": active })),
        ("User:10", json!("ARCHIVED"), json!({ "rowId": archived })),
        ("User:10", json!(["DEFAULT"]), Value::Null),
        ("User:10", json!([]), json!({ "rowId": archived })),
    ] {
        let d = app.data(q, json!({ "id": user, "s": scope })).await;
        assert_eq!(d["user"]["project"], expected, "{user} scope {scope}");
    }
    app
}

async fn scope_list_replaces_or_merges_the_default(app: TestApp) -> TestApp {
    let archived = project_of(&app, 10).await.expect("project").id;
    let active = project_of(&app, 2).await.expect("project").id;
    let q = "query($id: ID!) { user(id: $id) { \
        none: project(scope: []) { rowId } \
        dflt: project(scope: [DEFAULT]) { rowId } \
        archived: project(scope: [ARCHIVED]) { rowId } \
        active: project(scope: [ACTIVE]) { rowId } \
        merged: project(scope: [DEFAULT, ARCHIVED]) { rowId } \
        reversed: project(scope: [ARCHIVED, DEFAULT]) { rowId } } }";
    let u10 = app.data(q, json!({ "id": "User:10" })).await;
    assert_eq!(at(&u10, "user.none.rowId"), &json!(archived));
    assert_eq!(at(&u10, "user.dflt"), &Value::Null);
    assert_eq!(at(&u10, "user.archived.rowId"), &json!(archived));
    assert_eq!(at(&u10, "user.active"), &Value::Null);
    // A later scope's condition on `archived` replaces the earlier one.
    assert_eq!(at(&u10, "user.merged.rowId"), &json!(archived));
    assert_eq!(at(&u10, "user.reversed"), &Value::Null);
    let u2 = app.data(q, json!({ "id": "User:2" })).await;
    assert_eq!(at(&u2, "user.none.rowId"), &json!(active));
    assert_eq!(at(&u2, "user.dflt.rowId"), &json!(active));
    assert_eq!(at(&u2, "user.archived"), &Value::Null);
    assert_eq!(at(&u2, "user.active.rowId"), &json!(active));
    assert_eq!(at(&u2, "user.merged"), &Value::Null);
    app
}

async fn named_scopes_of_profile_and_address(app: TestApp) -> TestApp {
    // Seed: even users have public profiles, odd users verified addresses.
    let q = "query($id: ID!) { user(id: $id) { \
        profile { rowId } public: profile(scope: [PUBLIC]) { rowId } \
        billingAddress { rowId } verified: billingAddress(scope: [VERIFIED]) { rowId } } }";
    let even = app.data(q, json!({ "id": "User:2" })).await;
    assert_eq!(at(&even, "user.public"), at(&even, "user.profile"));
    assert_eq!(at(&even, "user.verified"), &Value::Null);
    let odd = app.data(q, json!({ "id": "User:1" })).await;
    assert_eq!(at(&odd, "user.public"), &Value::Null);
    assert_eq!(at(&odd, "user.verified"), at(&odd, "user.billingAddress"));
    assert_ne!(at(&odd, "user.verified"), &Value::Null);
    app
}

async fn inverse_fields_lead_back_to_the_source(app: TestApp) -> TestApp {
    let q = "{ user(id: \"User:2\") { id profile { user { id } } \
        billingAddress { user { id } } shippingAddress { user { id } } project { owner { id } } } }";
    let d = app.data(q, json!({})).await;
    for path in [
        "user.profile.user.id",
        "user.billingAddress.user.id",
        "user.shippingAddress.user.id",
        "user.project.owner.id",
    ] {
        assert_eq!(at(&d, path), &json!("User:2"), "{path}");
    }
    // An unlinked target has no inverse.
    let q = "query($id: ID!) { node(id: $id) { ... on Profile { userId user { id } } } }";
    let id = crate::unlinked_profile(&app).await;
    let d = app.data(q, json!({ "id": format!("Profile:{id}") })).await;
    assert_eq!(at(&d, "node.user"), &Value::Null);
    assert_eq!(at(&d, "node.userId"), &Value::Null);
    app
}
