//! SIGTERM lets in-flight requests finish: the real binary, a mutation held
//! up by a database lock while the signal arrives, answered in full before
//! the process exits.
//!
//! No step guesses how long something takes: the server binds port 0 and
//! logs the address, logs each request it starts executing (`debug`) and
//! the start of its graceful shutdown; the test waits for those lines,
//! each within a generous bound that only a hung server reaches.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use sea_orm::{
    ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde_json::{Value, json};

/// How long any awaited log line or exit may take: only a hung server
/// reaches it.
const BOUND: Duration = Duration::from_secs(30);

/// How long the mutation stays blocked after the shutdown began.
const HOLD: Duration = Duration::from_secs(1);

/// The server's log, line by line, read on a thread of its own.
struct Log(Receiver<String>);

impl Log {
    fn of(server: &mut Child) -> Log {
        let stdout = server.stdout.take().expect("piped stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Log(rx)
    }

    /// The first line from now on that contains `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(err) => panic!("no log line with {needle:?} ({err})"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests() {
    let dir = std::env::temp_dir().join(format!("hasone-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db_url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_hasone"))
        .env("HASONE_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", &db_url)
        .env("HASONE_SEED_USERS", "5")
        .env("HASONE_WORKERS", "1")
        .env("HASONE_LOG_FORMAT", "text")
        .env(
            "RUST_LOG",
            "warn,hasone_actix=debug,hasone_server=info,actix_server=info",
        )
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start hasone");
    let log = Log::of(&mut server);
    let line = log.wait_for("serving GraphQL at http://");
    let base = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.strip_suffix("/graphql"))
        .map(|addr| format!("http://{addr}"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let client = reqwest::Client::new();

    // Hold SQLite's write lock: the mutation below waits on it.
    let db = Database::connect(&db_url).await.expect("connect");
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
    let _ = std::fs::remove_dir_all(&dir);
}
