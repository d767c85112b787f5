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
use hasone_tests::{Backend, Client, Rng, Subscriber, at, post_json};
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

/// One acknowledged mutation of the churn.
struct Op {
    /// The index of the process it went to.
    server: usize,
    user: i64,
    create: bool,
    /// The profile linked after it, and the one it unlinked.
    profile: Option<i64>,
    previous: Option<i64>,
    sent: Instant,
    acked: Instant,
}

/// What a churn did: the outcome codes, the acknowledged mutations and
/// the elapsed time.
struct Churn {
    outcomes: std::collections::BTreeMap<String, usize>,
    ops: Vec<Op>,
    time: Duration,
}

impl Churn {
    fn created(&self) -> usize {
        self.ops.iter().filter(|op| op.create).count()
    }
}

/// `tasks` clients, client `i` on server `i % servers.len()`, each sending
/// `ops` set / unlink / create mutations on users 1–4.
async fn churn(urls: &[String], profiles: &[i64], tasks: usize, ops: usize) -> Churn {
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let server = task % urls.len();
        let url = format!("{}/graphql", urls[server]);
        let profiles = profiles.to_vec();
        handles.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut rng = Rng::for_task(task);
            let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
            let mut done = Vec::new();
            for _ in 0..ops {
                let user = rng.below(4) as i64 + 1;
                let (query, vars, create) = match rng.below(10) {
                    0..=5 => (
                        "mutation($u: ID!, $t: ID) { r: setUserProfile(userId: $u, profileId: $t) { profile { rowId } previous { rowId } } }",
                        json!({ "u": format!("User:{user}"), "t": profiles[rng.below(profiles.len() as u64) as usize] }),
                        false,
                    ),
                    6 => (
                        "mutation($u: ID!) { r: setUserProfile(userId: $u, profileId: null) { profile { rowId } previous { rowId } } }",
                        json!({ "u": format!("User:{user}") }),
                        false,
                    ),
                    _ => (
                        "mutation($u: ID!) { r: createUserProfile(userId: $u, input: { bio: \"churn\" }) { profile { rowId } previous { rowId } } }",
                        json!({ "u": format!("User:{user}") }),
                        true,
                    ),
                };
                let body = json!({ "query": query, "variables": vars });
                let sent = Instant::now();
                let resp = post_json(&client, &url, &body).await;
                let outcome = match resp["errors"][0]["extensions"]["code"].as_str() {
                    Some(code) => code.to_owned(),
                    None => {
                        done.push(Op {
                            server,
                            user,
                            create,
                            profile: at(&resp, "data.r.profile.rowId").as_i64(),
                            previous: at(&resp, "data.r.previous.rowId").as_i64(),
                            sent,
                            acked: Instant::now(),
                        });
                        "ok".to_owned()
                    }
                };
                *outcomes.entry(outcome).or_default() += 1;
            }
            (outcomes, done)
        }));
    }
    let mut churn = Churn {
        outcomes: std::collections::BTreeMap::new(),
        ops: Vec::new(),
        time: Duration::ZERO,
    };
    for handle in handles {
        let (outcomes, ops) = handle.await.expect("task");
        for (k, v) in outcomes {
            *churn.outcomes.entry(k).or_default() += v;
        }
        churn.ops.extend(ops);
    }
    churn.time = started.elapsed();
    churn
}

/// One event of `userProfileChanged` as a subscriber on another process
/// received it.
struct Event {
    user: i64,
    profile: Option<i64>,
    previous: Option<i64>,
    at: Instant,
}

const PROFILE_CHANGED: &str = "subscription($u: ID!) { userProfileChanged(userId: $u, current: true) { \
    user { rowId } profile { rowId } previous { rowId } } }";

/// Subscribes to users 1–4 on `url`; returns their profiles as the first
/// events say, and a task collecting every later event until `stop`.
async fn subscribe_users(
    url: &str,
) -> (
    Vec<Option<i64>>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Vec<Event>>,
) {
    let mut ws = Subscriber::connect(url).await;
    let mut current = Vec::new();
    for user in 1..=4 {
        let id = format!("u{user}");
        ws.subscribe(&id, PROFILE_CHANGED, json!({ "u": format!("User:{user}") }))
            .await;
        let first = ws.event(&id).await;
        current.push(at(&first, "data.userProfileChanged.profile.rowId").as_i64());
    }
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let collect = tokio::spawn(async move {
        let mut events = Vec::new();
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                message = ws.next_within(Duration::from_millis(200)) => match message {
                    Ok(Some(message)) => {
                        let at_ = Instant::now();
                        let payload = &message["payload"];
                        assert!(payload.get("errors").is_none(), "an error event: {message}");
                        let c = &payload["data"]["userProfileChanged"];
                        events.push(Event {
                            user: at(c, "user.rowId").as_i64().expect("user"),
                            profile: at(c, "profile.rowId").as_i64(),
                            previous: at(c, "previous.rowId").as_i64(),
                            at: at_,
                        });
                    }
                    Ok(None) => {}
                    Err(closed) => panic!("the subscriber's socket closed: {closed:?}"),
                },
            }
        }
        ws.close().await;
        events
    });
    (current, stop, collect)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
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
    let one = churn(std::slice::from_ref(&a.url), &profiles, tasks, ops).await;
    // A subscriber on B hears the changes made through A (and C, and B).
    let (current, stop, collect) = subscribe_users(&b.url).await;
    let urls = [a.url.clone(), b.url.clone(), c.url.clone()];
    let three_started = Instant::now();
    let three = churn(&urls, &profiles, tasks, ops).await;
    // Every change is delivered: wait (bounded) for the last one.
    let final_links: Vec<Option<i64>> = {
        let mut links = Vec::new();
        for user in 1..=4 {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT id FROM profiles WHERE user_id = {user}"),
                ))
                .await
                .expect("profile of a user");
            links.push(row.map(|r| i64::from(r.try_get_by_index::<i32>(0).expect("id"))));
        }
        links
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop.send(());
    // Changes of the first churn still on their way when the subscriptions
    // began are in their first events already.
    let events: Vec<Event> = collect
        .await
        .expect("collector")
        .into_iter()
        .filter(|e| e.at >= three_started)
        .collect();

    // Per user, in the order received: each change starts from where the
    // one before left (previous = the profile linked before), from the
    // link the first event showed to the link in the database now. A lost
    // or reordered change breaks the chain.
    for user in 1..=4_i64 {
        let mut linked = current[(user - 1) as usize];
        for (k, event) in events.iter().filter(|e| e.user == user).enumerate() {
            assert_eq!(
                event.previous, linked,
                "user {user}, event {k}: previous {:?} after {linked:?}",
                event.previous
            );
            linked = event.profile;
        }
        assert_eq!(
            linked,
            final_links[(user - 1) as usize],
            "user {user}: the last link"
        );
    }
    // Every mutation acknowledged by A that changed a link has its event
    // on B: each create (new ids), and each set that unlinked a profile.
    let mut unheard: std::collections::BTreeMap<(i64, Option<i64>, Option<i64>), usize> =
        Default::default();
    for event in &events {
        *unheard
            .entry((event.user, event.profile, event.previous))
            .or_default() += 1;
    }
    let mut latencies = Vec::new();
    // From the mutation's answer to the event: negative when the event
    // came first.
    let mut after_ack: Vec<f64> = Vec::new();
    let from_a: Vec<&Op> = three
        .ops
        .iter()
        .filter(|op| op.server == 0 && (op.create || op.previous.is_some()))
        .collect();
    for op in &from_a {
        let key = (op.user, op.profile, op.previous);
        let left = unheard.get_mut(&key);
        assert!(
            left.as_ref().is_some_and(|n| **n > 0),
            "a change made on A was not heard on B: user {} profile {:?} previous {:?}",
            op.user,
            op.profile,
            op.previous
        );
        if let Some(n) = left {
            *n -= 1;
        }
        if let Some(event) = events
            .iter()
            .find(|e| (e.user, e.profile, e.previous) == key && e.at >= op.sent)
        {
            latencies.push(event.at - op.sent);
            after_ack.push(if event.at >= op.acked {
                (event.at - op.acked).as_secs_f64() * 1000.0
            } else {
                -(op.acked - event.at).as_secs_f64() * 1000.0
            });
        }
    }
    latencies.sort();
    after_ack.sort_by(f64::total_cmp);
    let ack = |p: f64| {
        after_ack
            .get(((after_ack.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));

    let double = count(
        &db,
        "SELECT count(*) FROM (SELECT user_id FROM profiles WHERE user_id IS NOT NULL \
         GROUP BY user_id HAVING count(*) > 1) d",
    )
    .await;
    let after = count(&db, "SELECT count(*) FROM profiles").await;
    let figures = format!(
        "processes=1 operations={} ms={} ops_per_s={:.0} outcomes={:?}\n\
         processes=3 operations={} ms={} ops_per_s={:.0} outcomes={:?}\n\
         double_links={double} creates_acknowledged={} profiles_added={}\n\
         subscriber_on_b events={} changes_from_a_checked={} \
         latency_from_request_ms p50={:.1} p99={:.1} \
         from_answer_ms p50={:.1} p99={:.1}\n",
        tasks * ops,
        one.time.as_millis(),
        (tasks * ops) as f64 / one.time.as_secs_f64(),
        one.outcomes,
        tasks * ops,
        three.time.as_millis(),
        (tasks * ops) as f64 / three.time.as_secs_f64(),
        three.outcomes,
        one.created() + three.created(),
        after - before,
        events.len(),
        from_a.len(),
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        ack(0.5),
        ack(0.99),
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("scale.txt"), &figures);
    print!("{figures}");
    assert_eq!(double, 0, "{figures}");
    assert_eq!(
        after - before,
        (one.created() + three.created()) as i64,
        "every acknowledged create is a row: {figures}"
    );
    for outcomes in [&one.outcomes, &three.outcomes] {
        assert_eq!(outcomes.keys().collect::<Vec<_>>(), vec!["ok"], "{figures}");
    }
    assert!(!from_a.is_empty(), "{figures}");
    drop((a, b, c));
    exec(
        &admin,
        &format!("DROP DATABASE IF EXISTS {SCALE_DB} WITH (FORCE)"),
    )
    .await;
}
