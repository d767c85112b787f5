//! Sequelize's own hasOne integration tests
//! (`test/integration/associations/has-one.test.js`, and the hasOne cases of
//! `scope.test.js`), ported to the GraphQL API. Each test is named after the
//! Sequelize test it mirrors; `docs/semantics.md` lists where hasone
//! deliberately differs.

use entities::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use entities::{profile, settings};
use hasone_tests::{Backend, TestApp, at, backend_tests};
use serde_json::{Value, json};

use crate::{profile_of, unlinked_profile};

backend_tests!(
    get_should_fetch_associations_for_multiple_instances,
    set_can_set_an_association_with_predefined_primary_keys,
    set_clears_the_association_if_null_is_passed,
    set_fails_if_the_associated_record_does_not_exist,
    set_supports_passing_the_primary_key_instead_of_an_object,
    set_supports_updating_with_a_primary_key_instead_of_an_object,
    set_supports_setting_same_association_twice,
    set_takes_a_target_linked_to_another_source,
    create_creates_an_associated_model_instance,
    create_assigns_the_association_scope_values,
    create_when_a_target_exists_unlinks_it,
    foreign_key_should_support_specifying_the_field_of_a_foreign_key,
    foreign_key_constraints_are_enabled_by_default,
    foreign_key_constraints_can_cascade_deletes,
    foreign_key_constraints_cascade_a_delete_when_there_is_no_associate,
    foreign_key_constraints_can_cascade_updates,
    association_column_should_support_a_non_primary_unique_key,
    source_without_a_source_key_gets_and_links_nothing,
    a_failure_half_way_through_create_keeps_the_previous_link,
);

const SET: &str = "mutation($u: ID!, $p: ID) { setUserProfile(userId: $u, profileId: $p) { \
    profile { rowId userId } previous { rowId } } }";
const PROFILE: &str = "query($u: ID!) { user(id: $u) { profile { rowId bio } } }";

async fn profile_field(app: &TestApp, user: i32) -> Value {
    app.data(PROFILE, json!({ "u": user.to_string() })).await["user"]["profile"].clone()
}

async fn get_should_fetch_associations_for_multiple_instances(app: TestApp) -> TestApp {
    // Users 4, 5, 6: 4 and 6 have profiles, 5 has none; one batched lookup.
    let q =
        "{ users(first: 3, after: \"after:3\") { edges { node { rowId profile { rowId } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    let edges = at(&resp, "data.users.edges")
        .as_array()
        .expect("edges")
        .clone();
    let got: Vec<Value> = edges
        .iter()
        .map(|e| at(e, "node.profile.rowId").clone())
        .collect();
    let want = vec![
        json!(profile_of(&app, 4).await.expect("4")),
        Value::Null,
        json!(profile_of(&app, 6).await.expect("6")),
    ];
    assert_eq!(got, want);
    assert_eq!(statements, 2, "users + one batched profile lookup");
    app
}

async fn set_can_set_an_association_with_predefined_primary_keys(app: TestApp) -> TestApp {
    let p = unlinked_profile(&app).await;
    app.data(SET, json!({ "u": "User:5", "p": format!("Profile:{p}") }))
        .await;
    assert_eq!(at(&profile_field(&app, 5).await, "rowId"), &json!(p));
    app.data(SET, json!({ "u": "User:5", "p": null })).await;
    assert_eq!(profile_field(&app, 5).await, Value::Null);
    app
}

async fn set_clears_the_association_if_null_is_passed(app: TestApp) -> TestApp {
    let p = profile_of(&app, 2).await.expect("profile");
    assert_ne!(profile_field(&app, 2).await, Value::Null);
    app.data(SET, json!({ "u": "2", "p": null })).await;
    assert_eq!(profile_field(&app, 2).await, Value::Null);
    // Unlinked, not deleted.
    let row = profile::Entity::find_by_id(p)
        .one(&app.db)
        .await
        .expect("query");
    assert_eq!(row.map(|r| r.user_id), Some(None));
    app
}

async fn set_fails_if_the_associated_record_does_not_exist(app: TestApp) -> TestApp {
    let before = app.snapshot().await;
    assert_eq!(
        app.error_code(SET, json!({ "u": "2", "p": "5000" })).await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "the previous profile stays linked"
    );
    app
}

async fn set_supports_passing_the_primary_key_instead_of_an_object(app: TestApp) -> TestApp {
    // Sequelize: `setTask(19)`. Here a bare row id, as a string and as a number.
    let p = unlinked_profile(&app).await;
    let d = app.data(SET, json!({ "u": "3", "p": p.to_string() })).await;
    assert_eq!(at(&d, "setUserProfile.profile.userId"), &json!("User:3"));
    let q = format!(
        "mutation {{ setUserProfile(userId: 8, profileId: {p}) {{ profile {{ userId }} }} }}"
    );
    let d = app.data(&q, json!({})).await;
    assert_eq!(at(&d, "setUserProfile.profile.userId"), &json!("User:8"));
    app
}

async fn set_supports_updating_with_a_primary_key_instead_of_an_object(app: TestApp) -> TestApp {
    let first = unlinked_profile(&app).await;
    app.data(SET, json!({ "u": "5", "p": first.to_string() }))
        .await;
    let second = unlinked_profile(&app).await;
    let d = app
        .data(SET, json!({ "u": "5", "p": second.to_string() }))
        .await;
    assert_eq!(at(&d, "setUserProfile.profile.rowId"), &json!(second));
    assert_eq!(at(&d, "setUserProfile.previous.rowId"), &json!(first));
    assert_eq!(profile_of(&app, 5).await, Some(second));
    let row = profile::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .expect("query");
    assert_eq!(
        row.map(|r| r.user_id),
        Some(None),
        "the first one was unlinked"
    );
    app
}

async fn set_supports_setting_same_association_twice(app: TestApp) -> TestApp {
    let p = unlinked_profile(&app).await;
    app.data(SET, json!({ "u": "User:5", "p": format!("Profile:{p}") }))
        .await;
    let before = app.snapshot().await;
    // Sequelize compares ids with `===`, so "19" vs 19 unlinks and relinks;
    // here both forms name the same row and the second set is a no-op.
    for id in [format!("Profile:{p}"), p.to_string()] {
        let d = app.data(SET, json!({ "u": "User:5", "p": id })).await;
        assert_eq!(at(&d, "setUserProfile.previous"), &Value::Null);
    }
    assert_eq!(app.snapshot().await, before);
    app
}

async fn set_takes_a_target_linked_to_another_source(app: TestApp) -> TestApp {
    let p = profile_of(&app, 1).await.expect("profile");
    app.data(SET, json!({ "u": "5", "p": p.to_string() })).await;
    assert_eq!(profile_field(&app, 1).await, Value::Null);
    assert_eq!(at(&profile_field(&app, 5).await, "rowId"), &json!(p));
    app
}

async fn create_creates_an_associated_model_instance(app: TestApp) -> TestApp {
    let q =
        "mutation { createUserProfile(userId: 5, input: { bio: \"task\" }) { profile { bio } } }";
    app.data(q, json!({})).await;
    assert_eq!(at(&profile_field(&app, 5).await, "bio"), &json!("task"));
    app
}

async fn create_assigns_the_association_scope_values(app: TestApp) -> TestApp {
    // scope.test.js: `createX` sets the scope columns.
    let q = "mutation { createUserBillingAddress(userId: 4, input: { street: \"s\", city: \"c\", country: \"x\" }) { \
        billingAddress { kind user { id } } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(
        at(&d, "createUserBillingAddress.billingAddress.kind"),
        &json!("BILLING")
    );
    assert_eq!(
        at(&d, "createUserBillingAddress.billingAddress.user.id"),
        &json!("User:4")
    );
    app
}

async fn create_when_a_target_exists_unlinks_it(app: TestApp) -> TestApp {
    // Deliberate difference: Sequelize inserts a second linked row.
    let old = profile_of(&app, 1).await.expect("profile");
    let q =
        "mutation { createUserProfile(userId: 1, input: { bio: \"new\" }) { previous { rowId } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "createUserProfile.previous.rowId"), &json!(old));
    let linked = profile::Entity::find()
        .filter(profile::Column::UserId.eq(1))
        .all(&app.db)
        .await
        .expect("query");
    assert_eq!(linked.len(), 1);
    app
}

async fn foreign_key_should_support_specifying_the_field_of_a_foreign_key(app: TestApp) -> TestApp {
    // projects.owner_id and settings.user_handle: custom foreign key names,
    // read the same way directly and through the batched page.
    let q = "{ user(id: 2) { project { rowId ownerId } settings { rowId userHandle } } \
        users(first: 2) { edges { node { rowId project { rowId } settings { rowId } } } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "user.project.ownerId"), &json!("User:2"));
    assert_eq!(at(&d, "user.settings.userHandle"), &json!("user2"));
    assert_eq!(
        at(&d, "users.edges.1.node.project.rowId"),
        at(&d, "user.project.rowId")
    );
    assert_eq!(
        at(&d, "users.edges.1.node.settings.rowId"),
        at(&d, "user.settings.rowId")
    );
    app
}

async fn foreign_key_constraints_are_enabled_by_default(app: TestApp) -> TestApp {
    // ON DELETE SET NULL: the profile stays, unlinked.
    let p = profile_of(&app, 2).await.expect("profile");
    app.data("mutation { deleteUser(id: 2) }", json!({})).await;
    let row = profile::Entity::find_by_id(p)
        .one(&app.db)
        .await
        .expect("query");
    assert_eq!(row.map(|r| r.user_id), Some(None));
    app
}

async fn foreign_key_constraints_can_cascade_deletes(app: TestApp) -> TestApp {
    let q = "{ user(id: 2) { settings { rowId } } }";
    let id = at(&app.data(q, json!({})).await, "user.settings.rowId")
        .as_i64()
        .expect("settings");
    app.data("mutation { deleteUser(id: 2) }", json!({})).await;
    let row = settings::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .expect("query");
    assert!(row.is_none(), "settings deleted with their user");
    app
}

async fn foreign_key_constraints_cascade_a_delete_when_there_is_no_associate(
    app: TestApp,
) -> TestApp {
    // User 7 has no settings (seed: i % 7 == 0).
    assert_eq!(
        app.data("{ user(id: 7) { settings { id } } }", json!({}))
            .await["user"]["settings"],
        Value::Null
    );
    let d = app.data("mutation { deleteUser(id: 7) }", json!({})).await;
    assert_eq!(d["deleteUser"], json!("User:7"));
    app
}

async fn foreign_key_constraints_can_cascade_updates(app: TestApp) -> TestApp {
    // ON UPDATE CASCADE: renaming the source key moves the foreign key along.
    let q = "mutation { updateUser(id: 3, input: { handle: \"renamed\" }) { handle settings { userHandle user { id } } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "updateUser.handle"), &json!("renamed"));
    assert_eq!(at(&d, "updateUser.settings.userHandle"), &json!("renamed"));
    assert_eq!(at(&d, "updateUser.settings.user.id"), &json!("User:3"));
    let stale = settings::Entity::find()
        .filter(settings::Column::UserHandle.eq("user3"))
        .all(&app.db)
        .await
        .expect("query");
    assert!(stale.is_empty());
    app
}

async fn association_column_should_support_a_non_primary_unique_key(app: TestApp) -> TestApp {
    // sourceKey: 'handle'. Set, read back through a fresh query, create.
    let unlinked = settings::Entity::find()
        .filter(settings::Column::UserHandle.is_null())
        .one(&app.db)
        .await
        .expect("query")
        .expect("unlinked settings in the seed");
    let q = "mutation($u: ID!, $s: ID) { setUserSettings(userId: $u, settingsId: $s) { \
        settings { rowId userHandle } previous { rowId userHandle } } }";
    let d = app
        .data(q, json!({ "u": "User:14", "s": unlinked.id.to_string() }))
        .await;
    assert_eq!(
        at(&d, "setUserSettings.settings.userHandle"),
        &json!("user14")
    );
    assert_eq!(
        at(&d, "setUserSettings.previous"),
        &Value::Null,
        "user 14 had none"
    );
    let read = app
        .data("{ user(id: 14) { settings { rowId } } }", json!({}))
        .await;
    assert_eq!(at(&read, "user.settings.rowId"), &json!(unlinked.id));
    let q = "mutation { createUserSettings(userId: 14, input: { theme: DARK }) { settings { theme userHandle } previous { rowId userHandle } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "createUserSettings.settings.theme"), &json!("DARK"));
    assert_eq!(
        at(&d, "createUserSettings.previous.rowId"),
        &json!(unlinked.id)
    );
    assert_eq!(
        at(&d, "createUserSettings.previous.userHandle"),
        &Value::Null
    );
    app
}

async fn source_without_a_source_key_gets_and_links_nothing(app: TestApp) -> TestApp {
    // Sequelize would query `user_handle IS NULL` and find an orphan.
    let q = "mutation { createUser(input: { name: \"No handle\", email: \"nohandle@example.com\" }) { rowId handle settings { id } } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(at(&d, "createUser.handle"), &Value::Null);
    assert_eq!(at(&d, "createUser.settings"), &Value::Null);
    let user = at(&d, "createUser.rowId").as_i64().expect("rowId");
    let before = app.snapshot().await;
    let q = format!(
        "mutation {{ createUserSettings(userId: {user}, input: {{}}) {{ settings {{ id }} }} }}"
    );
    assert_eq!(app.error_code(&q, json!({})).await, "CONFLICT");
    assert_eq!(app.snapshot().await, before);
    app
}

async fn a_failure_half_way_through_create_keeps_the_previous_link(app: TestApp) -> TestApp {
    // A trigger refuses one insert: `create` has already unlinked the
    // current profile by then, and the rollback must relink it.
    let trigger = match app.backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON profiles WHEN NEW.bio = 'boom' \
             BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
                .to_owned(),
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
             IF NEW.bio = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                .to_owned(),
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON profiles FOR EACH ROW EXECUTE FUNCTION refuse_boom()".to_owned(),
        ],
        Backend::Mysql => vec![
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON profiles FOR EACH ROW BEGIN \
             IF NEW.bio = 'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom refused'; END IF; END"
                .to_owned(),
        ],
    };
    for sql in trigger {
        app.db
            .execute_unprepared(&sql)
            .await
            .expect("create trigger");
    }
    let before = app.snapshot().await;
    let old = profile_of(&app, 1).await.expect("profile");
    let q =
        "mutation { createUserProfile(userId: 1, input: { bio: \"boom\" }) { profile { id } } }";
    assert_eq!(app.error_code(q, json!({})).await, "INTERNAL");
    assert_eq!(profile_of(&app, 1).await, Some(old));
    assert_eq!(app.snapshot().await, before);
    app
}
