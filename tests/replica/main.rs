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
use hasone_tests::{Backend, Client, Rng, at, post_json};
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

/// A fresh database `name` on the primary, once the standby has it too:
/// the admin connection and the database's primary and standby URLs.
async fn fresh_database(name: &str) -> (DatabaseConnection, String, String) {
    let (primary, standby) = (
        env("HASONE_TEST_REPLICA_PRIMARY"),
        env("HASONE_TEST_REPLICA_STANDBY"),
    );
    let admin = hasone_tests::hasone_testkit::connect(&format!("{primary}postgres")).await;
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
    exec(&admin, &format!("CREATE DATABASE {name}")).await;
    // The standby has the new database once it has replayed its creation.
    let standby_url = format!("{standby}{name}");
    wait_until("the database on the standby", || async {
        Database::connect(&standby_url).await.is_ok()
    })
    .await;
    (admin, format!("{primary}{name}"), standby_url)
}

async fn profile_of(client: &Client, user: &str) -> Value {
    let q = "query($u: ID!) { user(id: $u) { profile { id } } }";
    client.data(q, json!({ "u": user })).await["user"]["profile"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a primary and a streaming replica: run by .ci/steps/replica.sh"]
async fn queries_read_the_replica_and_writes_the_primary() {
    let (admin, primary_url, standby_url) = fresh_database(DB).await;

    let mut settings = Settings {
        seed_users: 20,
        ..Settings::default()
    };
    settings.server.addr = "127.0.0.1:0".into();
    settings.server.workers = 1;
    settings.server.database_url = Some(primary_url);
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
    let replica = hasone_tests::hasone_testkit::connect(&standby_url).await;

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
    let url = format!("{}/graphql", client.url);
    let batch = post_json(&client.client, &url, &json!([
            { "query": "mutation($u: ID!) { setUserProfile(userId: $u, profileId: null) { previous { id } } }",
              "variables": { "u": user } },
            { "query": "query($u: ID!) { user(id: $u) { profile { id } } }", "variables": { "u": user } },
        ])).await;
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

/// One `hasone serve` process of the multi-process test, killed when
/// dropped.
struct Process {
    child: std::process::Child,
    url: String,
    /// Kept so that the process's log keeps being read (never a full pipe).
    _log: hasone_tests::hasone_testkit::ProcessLog,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `target/debug/hasone serve` (built by `.ci/steps/replica.sh`)
/// on `db` with the standby as its read replica.
fn serve(db: &str, replica: &str, seed: i32) -> Process {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/hasone");
    let mut child = std::process::Command::new(&bin)
        .env("DATABASE_URL", db)
        .env("HASONE_READ_DATABASE_URL", replica)
        .env("HASONE_ADDR", "127.0.0.1:0")
        .env("HASONE_WORKERS", "1")
        .env("HASONE_SEED_USERS", seed.to_string())
        .env("HASONE_DB_POOL_SIZE", "8")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "start {}: {e} (cargo build -p hasone-server)",
                bin.display()
            )
        });
    let log = hasone_tests::hasone_testkit::ProcessLog::of(&mut child);
    let url = log.wait_for_address();
    Process {
        child,
        url,
        _log: log,
    }
}

/// `tasks` clients, client `i` on server `i % servers.len()`, each sending
/// `ops` set / unlink / create mutations on users 1–4; returns the outcome
/// codes, the creates acknowledged and the elapsed time.
async fn churn(
    urls: &[String],
    profiles: &[i64],
    tasks: usize,
    ops: usize,
) -> (std::collections::BTreeMap<String, usize>, usize, Duration) {
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let url = format!("{}/graphql", urls[task % urls.len()]);
        let profiles = profiles.to_vec();
        handles.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut rng = Rng::for_task(task);
            let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
            let mut created = 0;
            for _ in 0..ops {
                let user = format!("User:{}", rng.below(4) + 1);
                let (query, vars, create) = match rng.below(10) {
                    0..=5 => (
                        "mutation($u: ID!, $t: ID) { r: setUserProfile(userId: $u, profileId: $t) { profile { userId } } }",
                        json!({ "u": user, "t": profiles[rng.below(profiles.len() as u64) as usize] }),
                        false,
                    ),
                    6 => (
                        "mutation($u: ID!) { r: setUserProfile(userId: $u, profileId: null) { profile { userId } } }",
                        json!({ "u": user }),
                        false,
                    ),
                    _ => (
                        "mutation($u: ID!) { r: createUserProfile(userId: $u, input: { bio: \"churn\" }) { profile { userId } } }",
                        json!({ "u": user }),
                        true,
                    ),
                };
                let body = json!({ "query": query, "variables": vars });
                let resp = post_json(&client, &url, &body).await;
                let outcome = match resp["errors"][0]["extensions"]["code"].as_str() {
                    Some(code) => code.to_owned(),
                    None => {
                        created += usize::from(create);
                        "ok".to_owned()
                    }
                };
                *outcomes.entry(outcome).or_default() += 1;
            }
            (outcomes, created)
        }));
    }
    let mut outcomes = std::collections::BTreeMap::new();
    let mut created = 0;
    for handle in handles {
        let (o, c) = handle.await.expect("task");
        for (k, v) in o {
            *outcomes.entry(k).or_default() += v;
        }
        created += c;
    }
    (outcomes, created, started.elapsed())
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a primary and a streaming replica: run by .ci/steps/replica.sh"]
async fn three_processes_share_one_database() {
    const SCALE_DB: &str = "hasone_scale";
    let (admin, db_url, replica_url) = fresh_database(SCALE_DB).await;
    // The first process migrates and seeds; the others find it done.
    let a = serve(&db_url, &replica_url, 20);
    let (b, c) = (
        serve(&db_url, &replica_url, 0),
        serve(&db_url, &replica_url, 0),
    );
    let db = hasone_tests::hasone_testkit::connect(&db_url).await;
    let profiles: Vec<i64> =
        (1..=count(&db, "SELECT count(*) FROM profiles").await.min(12)).collect();
    let tasks = 24;
    let ops = 100;

    let before = count(&db, "SELECT count(*) FROM profiles").await;
    let (one, one_created, one_time) =
        churn(std::slice::from_ref(&a.url), &profiles, tasks, ops).await;
    let urls = [a.url.clone(), b.url.clone(), c.url.clone()];
    let (three, three_created, three_time) = churn(&urls, &profiles, tasks, ops).await;

    let double = count(
        &db,
        "SELECT count(*) FROM (SELECT user_id FROM profiles WHERE user_id IS NOT NULL \
         GROUP BY user_id HAVING count(*) > 1) d",
    )
    .await;
    let after = count(&db, "SELECT count(*) FROM profiles").await;
    let figures = format!(
        "processes=1 operations={} ms={} ops_per_s={:.0} outcomes={one:?}\n\
         processes=3 operations={} ms={} ops_per_s={:.0} outcomes={three:?}\n\
         double_links={double} creates_acknowledged={} profiles_added={}\n",
        tasks * ops,
        one_time.as_millis(),
        (tasks * ops) as f64 / one_time.as_secs_f64(),
        tasks * ops,
        three_time.as_millis(),
        (tasks * ops) as f64 / three_time.as_secs_f64(),
        one_created + three_created,
        after - before,
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("scale.txt"), &figures);
    print!("{figures}");
    assert_eq!(double, 0, "{figures}");
    assert_eq!(
        after - before,
        (one_created + three_created) as i64,
        "every acknowledged create is a row: {figures}"
    );
    for outcomes in [&one, &three] {
        assert_eq!(outcomes.keys().collect::<Vec<_>>(), vec!["ok"], "{figures}");
    }
    drop((a, b, c));
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {SCALE_DB} WITH (FORCE)"),
    )
    .await;
}
