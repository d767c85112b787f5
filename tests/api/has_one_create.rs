//! `createAssociation`: insert with foreign key and association scope,
//! unlinking the previous target.

use hasone_tests::{TestApp, at, backend_tests};
use serde_json::{Value, json};

use crate::{address_of, profile_of, project_of};

backend_tests!(
    create_links_a_new_target_and_unlinks_the_previous_one,
    create_assigns_the_association_scope,
    create_without_a_previous_target,
    create_unlinks_an_archived_project,
    create_with_invalid_input_changes_nothing,
);

async fn create_links_a_new_target_and_unlinks_the_previous_one(app: TestApp) -> TestApp {
    let old = profile_of(&app, 1).await.expect("profile");
    let q = "mutation { createUserProfile(userId: \"User:1\", input: { bio: \"hello\", visibility: PUBLIC }) { \
        user { profile { rowId bio } } profile { rowId bio visibility userId } previous { rowId userId } } }";
    let d = app.data(q, json!({})).await;
    let p = &d["createUserProfile"];
    let new = at(p, "profile.rowId").as_i64().expect("new id");
    assert_ne!(new, i64::from(old));
    assert_eq!(at(p, "profile.bio"), &json!("hello"));
    assert_eq!(at(p, "profile.visibility"), &json!("PUBLIC"));
    assert_eq!(at(p, "profile.userId"), &json!("User:1"));
    assert_eq!(at(p, "user.profile.rowId"), &json!(new));
    assert_eq!(at(p, "previous.rowId"), &json!(old));
    assert_eq!(at(p, "previous.userId"), &Value::Null);
    assert_eq!(profile_of(&app, 1).await.map(i64::from), Some(new));
    app
}

async fn create_assigns_the_association_scope(app: TestApp) -> TestApp {
    let old = address_of(&app, 1, "shipping").await.expect("shipping");
    let billing = address_of(&app, 1, "billing").await.expect("billing");
    let q = "mutation { createUserShippingAddress(userId: 1, input: { street: \"1 Main\", city: \"Oslo\", country: \"NO\" }) { \
        shippingAddress { rowId kind street verified } previous { rowId kind } user { billingAddress { rowId } } } }";
    let d = app.data(q, json!({})).await;
    let p = &d["createUserShippingAddress"];
    assert_eq!(at(p, "shippingAddress.kind"), &json!("SHIPPING"));
    assert_eq!(at(p, "shippingAddress.verified"), &json!(false));
    assert_eq!(at(p, "previous.rowId"), &json!(old));
    assert_eq!(at(p, "user.billingAddress.rowId"), &json!(billing));
    let new = at(p, "shippingAddress.rowId").as_i64().expect("id");
    assert_eq!(
        address_of(&app, 1, "shipping").await.map(i64::from),
        Some(new)
    );
    assert_eq!(address_of(&app, 1, "billing").await, Some(billing));
    app
}

async fn create_without_a_previous_target(app: TestApp) -> TestApp {
    assert!(project_of(&app, 3).await.is_none());
    let q = "mutation { createUserProject(userId: \"User:3\", input: { name: \"P\" }) { \
        project { name archived owner { id } } previous { id } } }";
    let d = app.data(q, json!({})).await;
    let p = &d["createUserProject"];
    assert_eq!(at(p, "project.owner.id"), &json!("User:3"));
    assert_eq!(at(p, "project.archived"), &json!(false));
    assert_eq!(p["previous"], Value::Null);
    app
}

async fn create_unlinks_an_archived_project(app: TestApp) -> TestApp {
    let archived = project_of(&app, 10).await.expect("project");
    let q = "mutation { createUserProject(userId: 10, input: { name: \"Next\" }) { \
        project { name } previous { rowId archived ownerId } } }";
    let d = app.data(q, json!({})).await;
    let p = &d["createUserProject"];
    assert_eq!(at(p, "previous.rowId"), &json!(archived.id));
    assert_eq!(at(p, "previous.ownerId"), &Value::Null);
    assert_eq!(
        project_of(&app, 10).await.map(|p| p.name),
        Some("Next".into())
    );
    app
}

async fn create_with_invalid_input_changes_nothing(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    let long = "x".repeat(256);
    let q = "mutation($bio: String!) { createUserProfile(userId: 1, input: { bio: $bio }) { profile { id } } }";
    assert_eq!(
        app.error_code(q, json!({ "bio": long })).await,
        "BAD_USER_INPUT"
    );
    let q = "mutation { createUserProject(userId: 2, input: { name: \"\" }) { project { id } } }";
    assert_eq!(app.error_code(q, json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.snapshot().await, before);
    app
}
