//! SIGTERM lets in-flight requests finish: the real binary, a mutation held
//! up by a database lock while the signal arrives, answered in full before
//! the process exits.
//!
//! No step guesses how long something takes: the server binds port 0 and
//! logs the address, logs each request it starts executing (`debug`) and
//! the start of its graceful shutdown; the test waits for those lines,
//! each within a generous bound that only a hung server reaches.

use std::process::Command;
use std::time::{Duration, Instant};

use hasone_testkit::{ProcessLog, ServerProcess};

use sea_orm::{
    ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde_json::{Value, json};

/// How long the mutation stays blocked after the shutdown began.
const HOLD: Duration = Duration::from_secs(1);

/// How long the server may take to exit once the request is answered.
const BOUND: Duration = ProcessLog::BOUND;

fn start(name: &str) -> ServerProcess {
    ServerProcess::start(env!("CARGO_BIN_EXE_hasone"), name, &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests() {
    let mut process = start("hasone-shutdown");
    let ServerProcess {
        child: server,
        log,
        base,
        db_url,
        ..
    } = &mut process;
    let client = reqwest::Client::new();

    // Hold SQLite's write lock: the mutation below waits on it.
    let db = Database::connect(db_url.as_str()).await.expect("connect");
    let lock = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .expect("lock");
    let request = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/graphql");
        async move {
            client
                .post(url)
                .header("x-request-id", "in-flight")
                .json(&json!({ "query": "mutation { createUserProfile(userId: 1, input: { bio: \"late\" }) { profile { bio } } }" }))
                .send()
                .await
                .expect("response")
                .json::<Value>()
                .await
                .expect("json")
        }
    });
    log.wait_for("request_id=in-flight");
    let pid = server.id().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    log.wait_for("starting graceful shutdown");
    // The scenario, not a wait for something: the request stays in flight
    // for HOLD after the shutdown began (a server that stops at once, as
    // with HASONE_SHUTDOWN_TIMEOUT_SECS=0, has dropped it by then).
    tokio::time::sleep(HOLD).await;
    assert!(
        server.try_wait().expect("wait").is_none(),
        "exited with a request in flight"
    );
    lock.execute_unprepared("SELECT 1")
        .await
        .expect("still holding");
    lock.rollback().await.expect("release the lock");

    let body = request.await.expect("request task");
    assert_eq!(
        body["data"]["createUserProfile"]["profile"]["bio"],
        json!("late"),
        "{body}"
    );
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
}

/// SIGTERM closes an open subscription's WebSocket with `1001`, and the
/// server exits well within its shutdown timeout (30 s) instead of waiting
/// for the socket for all of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_websockets() {
    let mut process = start("hasone-shutdown-ws");
    let ServerProcess {
        child: server,
        base,
        ..
    } = &mut process;
    let mut ws = hasone_testkit::Subscriber::connect(base).await;
    ws.subscribe(
        "p",
        "subscription { userProfileChanged(userId: 1, current: true) { user { id } } }",
        json!({}),
    )
    .await;
    ws.event("p").await;
    let signalled = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let closed = ws.next_within(BOUND).await;
    assert_eq!(
        closed,
        Err(hasone_testkit::Closed::Frame(
            1001,
            "the server is stopping".into()
        ))
    );
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(signalled.elapsed() < BOUND, "server did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    let exit = signalled.elapsed();
    assert!(
        exit < Duration::from_secs(20),
        "the server took {exit:?} to exit: the socket held the shutdown"
    );
}
