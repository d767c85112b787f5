//! Read replica: `HASONE_READ_DATABASE_URL` over a real streaming replica.
//!
//! Ignored by default: `.ci/steps/replica.sh` starts a private PostgreSQL
//! and a hot standby streaming from it (`pg_basebackup`), and points
//! `HASONE_TEST_REPLICA_PRIMARY` / `HASONE_TEST_REPLICA_STANDBY` at them
//! (`postgres://…/` without a database). Replay on the standby is paused
//! to make the lag visible: a query then reads the standby's state, a
//! mutation and the reads after it in the same request the primary's.

use std::time::{Duration, Instant};

use hasone_server::config::Settings;
use hasone_tests::{Backend, Client, at};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};

const DB: &str = "hasone_replica";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (see .ci/steps/replica.sh)"))
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Waits (bounded) until `ready` holds; returns how long it took.
async fn wait_until<F, Fut>(what: &str, mut ready: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: not within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

async fn profile_of(client: &Client, user: &str) -> Value {
    let q = "query($u: ID!) { user(id: $u) { profile { id } } }";
    client.data(q, json!({ "u": user })).await["user"]["profile"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a primary and a streaming replica: run by .ci/steps/replica.sh"]
async fn queries_read_the_replica_and_writes_the_primary() {
    let (primary, standby) = (
        env("HASONE_TEST_REPLICA_PRIMARY"),
        env("HASONE_TEST_REPLICA_STANDBY"),
    );
    let admin = Database::connect(format!("{primary}postgres"))
        .await
        .expect("primary");
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )
    .await;
    exec(&admin, &format!("CREATE DATABASE {DB}")).await;
    // The standby has the new database once it has replayed its creation.
    let standby_url = format!("{standby}{DB}");
    wait_until("the database on the standby", || async {
        Database::connect(&standby_url).await.is_ok()
    })
    .await;

    let mut settings = Settings {
        seed_users: 20,
        ..Settings::default()
    };
    settings.server.addr = "127.0.0.1:0".into();
    settings.server.workers = 1;
    settings.server.database_url = Some(format!("{primary}{DB}"));
    settings.server.read_database_url = Some(standby_url.clone());
    let server = hasone_server::startup::build(settings)
        .await
        .expect("the server starts with a read replica");
    let client = Client::new(
        Backend::Postgres,
        format!("http://{}", server.app.local_addr()),
        server.db.statements.clone(),
    );
    let handle = server.app.handle();
    tokio::spawn(server.app.into_server());
    let replica = Database::connect(&standby_url).await.expect("standby");

    // The seed reaches the standby, and the server's queries read it.
    wait_until("the seed on the standby", || async {
        let q = "{ users(first: 100) { edges { node { id } } } }";
        let resp = client.gql(q, json!({})).await;
        at(&resp, "data.users.edges").as_array().map(Vec::len) == Some(20)
    })
    .await;
    let ready: Value = client
        .client
        .get(format!("{}/ready", client.url))
        .send()
        .await
        .expect("/ready")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        ready,
        json!({ "status": "ready", "primary": "ready", "replica": "ready" })
    );

    // A user without a profile (the seed leaves some without).
    let users = client
        .data(
            "{ users(first: 100) { edges { node { id profile { id } } } } }",
            json!({}),
        )
        .await;
    let user = users["users"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["profile"].is_null())
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .expect("a user without a profile");

    exec(&replica, "SELECT pg_wal_replay_pause()").await;
    let create = "mutation($u: ID!) { createUserProfile(userId: $u, input: { bio: \"replicated\" }) \
                  { user { profile { id bio } } } }";
    let created = client.data(create, json!({ "u": user })).await;
    let profile = at(&created, "createUserProfile.user.profile.id").clone();
    assert!(
        profile.is_string(),
        "the mutation reads its own write: {created}"
    );
    // A query reads the paused standby: the profile is not there yet.
    assert_eq!(
        profile_of(&client, &user).await,
        Value::Null,
        "a query reads the standby"
    );
    // A query after a mutation in the same request reads the primary.
    let batch: Value = client
        .client
        .post(format!("{}/graphql", client.url))
        .json(&json!([
            { "query": "mutation($u: ID!) { setUserProfile(userId: $u, profileId: null) { previous { id } } }",
              "variables": { "u": user } },
            { "query": "query($u: ID!) { user(id: $u) { profile { id } } }", "variables": { "u": user } },
        ]))
        .send()
        .await
        .expect("batch")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        batch[0]["data"]["setUserProfile"]["previous"]["id"], profile,
        "{batch}"
    );
    assert_eq!(batch[1]["data"]["user"]["profile"], Value::Null, "{batch}");
    // Link it again; the standby still shows neither change.
    let set = "mutation($u: ID!, $p: ID!) { setUserProfile(userId: $u, profileId: $p) { profile { id } } }";
    client.data(set, json!({ "u": user, "p": profile })).await;
    assert_eq!(profile_of(&client, &user).await, Value::Null);

    exec(&replica, "SELECT pg_wal_replay_resume()").await;
    let lag = wait_until("the profile on the standby", || async {
        profile_of(&client, &user).await == json!({ "id": profile })
    })
    .await;
    println!(
        "replica: the standby showed the profile {} ms after replay resumed",
        lag.as_millis()
    );

    handle.stop(true).await;
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )
    .await;
}
