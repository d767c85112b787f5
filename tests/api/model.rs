//! Property test: random sequences of get/set/create/delete on a few users
//! and profiles, checked step by step against a tiny in-memory model of
//! Sequelize's hasOne (with hasone's strictness). Cases:
//! `HASONE_PROPTEST_CASES` (default 24), on every backend. Every case,
//! and every replay while shrinking, starts from the same rows: the
//! profiles as seeded (`reset`), so a shrunk case fails the way it did.

use std::collections::BTreeMap;

use entities::profile;
use entities::sea_orm::{
    ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, TransactionTrait,
};
use hasone_tests::{TestApp, backend_tests};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use serde_json::json;

backend_tests!(graphql_answers_equal_the_model_after_every_step);

const USERS: [i32; 3] = [1, 2, 3];

#[derive(Clone, Debug)]
enum Op {
    /// `setUserProfile(user, pool[target])`, or null.
    Set {
        user: usize,
        target: Option<usize>,
    },
    Create {
        user: usize,
    },
    /// `deleteProfile(pool[target])`.
    Delete {
        target: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..USERS.len(), proptest::option::weighted(0.8, 0..64usize))
            .prop_map(|(user, target)| Op::Set { user, target }),
        2 => (0..USERS.len()).prop_map(|user| Op::Create { user }),
        1 => (0..64usize).prop_map(|target| Op::Delete { target }),
    ]
}

/// Profile id → owner (`None`: unlinked); deleted profiles are removed.
#[derive(Debug, Default)]
struct Model {
    owner: BTreeMap<i32, Option<i32>>,
    /// The ids ops pick from, deleted or not.
    pool: Vec<i32>,
}

impl Model {
    fn current(&self, user: i32) -> Option<i32> {
        self.owner
            .iter()
            .find(|(_, owner)| **owner == Some(user))
            .map(|(id, _)| *id)
    }
}

/// Puts the profiles back as `seeded`: rows created by a case are deleted,
/// deleted rows come back with their ids, links are as seeded.
async fn reset(app: &TestApp, seeded: &[profile::Model]) {
    let txn = app.db.begin().await.expect("begin");
    profile::Entity::delete_many()
        .exec(&txn)
        .await
        .expect("delete profiles");
    profile::Entity::insert_many(
        seeded
            .iter()
            .map(|row| row.clone().into_active_model().reset_all()),
    )
    .exec(&txn)
    .await
    .expect("insert profiles");
    txn.commit().await.expect("commit");
}

async fn load_model(app: &TestApp) -> Model {
    let rows = profile::Entity::find()
        .order_by_asc(profile::Column::Id)
        .all(&app.db)
        .await
        .expect("profiles");
    let mut model = Model::default();
    let mut unlinked = 0;
    for row in rows {
        // A small pool (the users' own profiles, three unlinked ones, and
        // later the created ones) makes ops collide often.
        let users_own = row.user_id.is_some_and(|u| USERS.contains(&u));
        if users_own || (row.user_id.is_none() && unlinked < 3) {
            unlinked += usize::from(row.user_id.is_none());
            model.pool.push(row.id);
        }
        model.owner.insert(row.id, row.user_id);
    }
    model
}

async fn step(app: &TestApp, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let pick = |i: usize| model.pool[i % model.pool.len()];
    match *op {
        Op::Set { user, target } => {
            let user = USERS[user];
            let target = target.map(pick);
            let resp = app
                .gql(
                    "mutation($u: ID!, $p: ID) { setUserProfile(userId: $u, profileId: $p) { profile { rowId userId } previous { rowId } } }",
                    json!({ "u": user.to_string(), "p": target.map(|t| t.to_string()) }),
                )
                .await;
            if let Some(t) = target
                && !model.owner.contains_key(&t)
            {
                prop_assert_eq!(
                    &resp["errors"][0]["extensions"]["code"],
                    &json!("NOT_FOUND"),
                    "{}",
                    resp
                );
                return Ok(());
            }
            let current = model.current(user);
            let expected_previous = if current == target { None } else { current };
            prop_assert!(resp.get("errors").is_none(), "{}", resp);
            let payload = &resp["data"]["setUserProfile"];
            prop_assert_eq!(
                payload["previous"]["rowId"].as_i64(),
                expected_previous.map(i64::from)
            );
            prop_assert_eq!(payload["profile"]["rowId"].as_i64(), target.map(i64::from));
            if let Some(c) = expected_previous {
                model.owner.insert(c, None);
            }
            if let Some(t) = target {
                model.owner.insert(t, Some(user));
            }
        }
        Op::Create { user } => {
            let user = USERS[user];
            let resp = app
                .gql(
                    "mutation($u: ID!) { createUserProfile(userId: $u, input: { bio: \"p\" }) { profile { rowId } previous { rowId } } }",
                    json!({ "u": user.to_string() }),
                )
                .await;
            prop_assert!(resp.get("errors").is_none(), "{}", resp);
            let payload = &resp["data"]["createUserProfile"];
            prop_assert_eq!(
                payload["previous"]["rowId"].as_i64(),
                model.current(user).map(i64::from)
            );
            if let Some(c) = model.current(user) {
                model.owner.insert(c, None);
            }
            let id = payload["profile"]["rowId"].as_i64().unwrap_or_default() as i32;
            prop_assert!(!model.pool.contains(&id), "new id {} reused", id);
            model.owner.insert(id, Some(user));
            model.pool.push(id);
        }
        Op::Delete { target } => {
            let target = pick(target);
            let resp = app
                .gql(
                    "mutation($p: ID!) { deleteProfile(id: $p) }",
                    json!({ "p": target.to_string() }),
                )
                .await;
            if model.owner.remove(&target).is_some() {
                prop_assert!(resp.get("errors").is_none(), "{}", resp);
            } else {
                prop_assert_eq!(
                    &resp["errors"][0]["extensions"]["code"],
                    &json!("NOT_FOUND"),
                    "{}",
                    resp
                );
            }
        }
    }
    // After every step, every user's `profile` is the model's.
    let d = app
        .gql(
            "{ a: user(id: 1) { profile { rowId } } b: user(id: 2) { profile { rowId } } c: user(id: 3) { profile { rowId } } }",
            json!({}),
        )
        .await;
    for (alias, user) in ["a", "b", "c"].into_iter().zip(USERS) {
        prop_assert_eq!(
            d["data"][alias]["profile"]["rowId"].as_i64(),
            model.current(user).map(i64::from),
            "user {} after {:?}",
            user,
            op
        );
    }
    Ok(())
}

async fn graphql_answers_equal_the_model_after_every_step(app: TestApp) -> TestApp {
    let cases = std::env::var("HASONE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    });
    let rt = tokio::runtime::Handle::current();
    let app_ref = &app;
    let seeded = profile::Entity::find()
        .all(&app.db)
        .await
        .expect("profiles");
    let seeded = &seeded;
    let initial = load_model(&app).await;
    let initial = &initial;
    let result = tokio::task::block_in_place(|| {
        runner.run(&proptest::collection::vec(op(), 1..16), |ops| {
            rt.block_on(async {
                reset(app_ref, seeded).await;
                let mut model = load_model(app_ref).await;
                prop_assert_eq!(&model.owner, &initial.owner, "reset");
                prop_assert_eq!(&model.pool, &initial.pool, "reset");
                for op in &ops {
                    step(app_ref, &mut model, op).await?;
                }
                Ok(())
            })
        })
    });
    if let Err(err) = result {
        panic!("[{:?}] {err}", app.backend);
    }
    app
}
