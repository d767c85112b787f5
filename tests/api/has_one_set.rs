//! `setAssociation`: link, unlink with null, no-op re-set, `previous`,
//! association scope assignment, reads after writes in one request.

use hasone_tests::{TestApp, at, backend_tests};
use serde_json::{Value, json};

use crate::{
    address_of, profile_of, project_of, unlinked_address, unlinked_profile, unlinked_project,
};

backend_tests!(
    set_links_the_target_and_unlinks_the_previous_one,
    set_null_only_unlinks,
    set_the_linked_target_again_is_a_no_op,
    set_takes_the_target_from_its_former_source,
    set_assigns_the_association_scope,
    set_unlinks_a_current_target_hidden_by_the_default_scope,
    set_on_every_association_links_and_reports_previous,
    reads_after_a_mutation_see_the_new_state,
);

const SET_PROFILE: &str = "mutation($u: ID!, $p: ID) { setUserProfile(userId: $u, profileId: $p) { \
    user { id profile { rowId } } profile { rowId userId } previous { rowId userId } } }";

async fn set_links_the_target_and_unlinks_the_previous_one(app: TestApp) -> TestApp {
    let old = profile_of(&app, 1).await.expect("user 1 has a profile");
    let new = unlinked_profile(&app).await;
    let d = app
        .data(
            SET_PROFILE,
            json!({ "u": "User:1", "p": format!("Profile:{new}") }),
        )
        .await;
    let p = &d["setUserProfile"];
    assert_eq!(at(p, "profile.rowId"), &json!(new));
    assert_eq!(at(p, "profile.userId"), &json!("User:1"));
    assert_eq!(at(p, "previous.rowId"), &json!(old));
    assert_eq!(at(p, "previous.userId"), &Value::Null);
    assert_eq!(at(p, "user.profile.rowId"), &json!(new));
    // The rows agree.
    assert_eq!(profile_of(&app, 1).await, Some(new));
    let q = "query($id: ID!) { node(id: $id) { ... on Profile { userId } } }";
    let old_row = app.data(q, json!({ "id": format!("Profile:{old}") })).await;
    assert_eq!(at(&old_row, "node.userId"), &Value::Null);
    app
}

async fn set_null_only_unlinks(app: TestApp) -> TestApp {
    let old = profile_of(&app, 1).await.expect("profile");
    let before = app.snapshot().await.len();
    let d = app
        .data(SET_PROFILE, json!({ "u": "User:1", "p": null }))
        .await;
    let p = &d["setUserProfile"];
    assert_eq!(p["profile"], Value::Null);
    assert_eq!(at(p, "previous.rowId"), &json!(old));
    assert_eq!(at(p, "user.profile"), &Value::Null);
    assert_eq!(profile_of(&app, 1).await, None);
    // The profile still exists, unlinked: nothing was deleted.
    assert_eq!(app.snapshot().await.len(), before);
    // Unlinking again: nothing to unlink.
    let d = app
        .data(SET_PROFILE, json!({ "u": "User:1", "p": null }))
        .await;
    assert_eq!(d["setUserProfile"]["previous"], Value::Null);
    app
}

async fn set_the_linked_target_again_is_a_no_op(app: TestApp) -> TestApp {
    let current = profile_of(&app, 1).await.expect("profile");
    let before = app.snapshot().await;
    let d = app
        .data(
            SET_PROFILE,
            json!({ "u": "User:1", "p": current.to_string() }),
        )
        .await;
    assert_eq!(at(&d, "setUserProfile.profile.rowId"), &json!(current));
    assert_eq!(at(&d, "setUserProfile.previous"), &Value::Null);
    assert_eq!(app.snapshot().await, before);
    app
}

async fn set_takes_the_target_from_its_former_source(app: TestApp) -> TestApp {
    // Sequelize moves the foreign key: the former source loses the target.
    let p1 = profile_of(&app, 1).await.expect("profile");
    assert_eq!(profile_of(&app, 5).await, None);
    let d = app
        .data(SET_PROFILE, json!({ "u": "User:5", "p": p1.to_string() }))
        .await;
    assert_eq!(at(&d, "setUserProfile.profile.userId"), &json!("User:5"));
    assert_eq!(at(&d, "setUserProfile.previous"), &Value::Null);
    assert_eq!(profile_of(&app, 1).await, None);
    assert_eq!(profile_of(&app, 5).await, Some(p1));
    app
}

async fn set_assigns_the_association_scope(app: TestApp) -> TestApp {
    // An unlinked *shipping* address becomes user 4's *billing* address.
    let addr = unlinked_address(&app, "shipping").await;
    assert_eq!(address_of(&app, 4, "billing").await, None);
    let shipping = address_of(&app, 4, "shipping").await.expect("shipping");
    let q = "mutation($u: ID!, $a: ID) { setUserBillingAddress(userId: $u, billingAddressId: $a) { \
        user { billingAddress { rowId kind } shippingAddress { rowId } } billingAddress { rowId kind } previous { rowId } } }";
    let d = app
        .data(q, json!({ "u": "User:4", "a": format!("Address:{addr}") }))
        .await;
    let p = &d["setUserBillingAddress"];
    assert_eq!(at(p, "billingAddress.kind"), &json!("BILLING"));
    assert_eq!(at(p, "user.billingAddress.rowId"), &json!(addr));
    assert_eq!(at(p, "user.shippingAddress.rowId"), &json!(shipping));
    assert_eq!(p["previous"], Value::Null);
    assert_eq!(address_of(&app, 4, "billing").await, Some(addr));
    app
}

async fn set_unlinks_a_current_target_hidden_by_the_default_scope(app: TestApp) -> TestApp {
    // User 10's project is archived: invisible to `project`, yet `set`
    // finds and unlinks it (Sequelize looks it up without model scopes).
    let archived = project_of(&app, 10).await.expect("project");
    assert!(archived.archived);
    let new = unlinked_project(&app).await;
    let q = "mutation($u: ID!, $p: ID) { setUserProject(userId: $u, projectId: $p) { \
        project { rowId ownerId } previous { rowId ownerId archived } } }";
    let d = app
        .data(q, json!({ "u": "10", "p": new.to_string() }))
        .await;
    let p = &d["setUserProject"];
    assert_eq!(at(p, "project.rowId"), &json!(new));
    assert_eq!(at(p, "previous.rowId"), &json!(archived.id));
    assert_eq!(at(p, "previous.archived"), &json!(true));
    assert_eq!(at(p, "previous.ownerId"), &Value::Null);
    assert_eq!(project_of(&app, 10).await.map(|p| p.id), Some(new));
    app
}

async fn set_on_every_association_links_and_reports_previous(app: TestApp) -> TestApp {
    // User 1 has a profile, a billing and a shipping address; user 2 a project.
    let cases = [
        (
            "setUserProfile",
            "profileId",
            "profile",
            1,
            "Profile",
            unlinked_profile(&app).await,
        ),
        (
            "setUserBillingAddress",
            "billingAddressId",
            "billingAddress",
            1,
            "Address",
            unlinked_address(&app, "billing").await,
        ),
        (
            "setUserShippingAddress",
            "shippingAddressId",
            "shippingAddress",
            1,
            "Address",
            unlinked_address(&app, "shipping").await,
        ),
        (
            "setUserProject",
            "projectId",
            "project",
            2,
            "Project",
            unlinked_project(&app).await,
        ),
    ];
    for (mutation, arg, field, user, ty, target) in cases {
        let q = format!(
            "mutation($u: ID!, $t: ID) {{ {mutation}(userId: $u, {arg}: $t) {{ \
             user {{ {field} {{ id }} }} {field} {{ id }} previous {{ id }} }} }}"
        );
        let before = app
            .data(
                &format!("query($u: ID!) {{ user(id: $u) {{ {field} {{ id }} }} }}"),
                json!({ "u": format!("User:{user}") }),
            )
            .await;
        let previous = at(&before, &format!("user.{field}.id")).clone();
        assert_ne!(previous, Value::Null, "{mutation}: seed has a target");
        let target = format!("{ty}:{target}");
        let d = app
            .data(&q, json!({ "u": format!("User:{user}"), "t": target }))
            .await;
        let p = &d[mutation];
        assert_eq!(at(p, &format!("{field}.id")), &json!(target), "{mutation}");
        assert_eq!(
            at(p, &format!("user.{field}.id")),
            &json!(target),
            "{mutation}"
        );
        assert_eq!(at(p, "previous.id"), &previous, "{mutation}");
    }
    app
}

async fn reads_after_a_mutation_see_the_new_state(app: TestApp) -> TestApp {
    // Both mutations read user 1's profile: the second must not see the
    // first one's cached answer.
    let q = "mutation { \
        a: createUserProfile(userId: \"User:1\", input: { bio: \"first\" }) { user { profile { bio } } } \
        b: setUserProfile(userId: \"User:1\", profileId: null) { user { profile { bio } } previous { bio } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "a.user.profile.bio"), &json!("first"));
    assert_eq!(at(&d, "b.user.profile"), &Value::Null);
    assert_eq!(at(&d, "b.previous.bio"), &json!("first"));
    app
}
