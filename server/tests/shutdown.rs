//! SIGTERM lets in-flight requests finish: the real binary, a mutation held
//! up by a database lock while the signal arrives, answered in full before
//! the process exits.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{
    ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests() {
    let dir = std::env::temp_dir().join(format!("hasone-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db_url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_hasone"))
        .env("HASONE_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &db_url)
        .env("HASONE_SEED_USERS", "5")
        .env("HASONE_WORKERS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start hasone");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while client.get(format!("{base}/health")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
                .json(&json!({ "query": "mutation { createUserProfile(userId: 1, input: { bio: \"late\" }) { profile { bio } } }" }))
                .send()
                .await
                .expect("response")
                .json::<Value>()
                .await
                .expect("json")
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = server.id().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
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
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not exit"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
