//! A client that stops reading does not hold the server (the real binary).
//!
//! The stalled client is a WebSocket with a 4 KiB receive buffer: it
//! subscribes 50 times to user 1's profile changes, then makes the events
//! itself by sending set/unlink mutations over the same socket, and never
//! reads again. The test waits until the server's side of that connection
//! holds unsent data (its send queue in `/proc/net/tcp`), so the server is
//! known to be stuck on it before anything is asserted.
//!
//! - With `HASONE_MAX_CONNECTIONS=1`, a well-behaved client waits for the
//!   stalled one's place: it is answered once the stalled connection is
//!   dropped, about `HASONE_SEND_TIMEOUT_MS` later (printed, and written to
//!   `target/stall.txt`), and the stalled client sees its connection reset.
//! - With `HASONE_MAX_CONNECTIONS=3` over two workers, two stalled clients
//!   never keep a third from being answered.
//!
//! Every wait is bounded by a limit only a held server reaches; 127.0.0.1
//! only.

use std::time::{Duration, Instant};

use hasone_testkit::ServerProcess;
use hasone_testkit::stalled::{self, stalled_client};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Subscriptions on the stalled socket.
const SUBSCRIPTIONS: usize = 50;
/// Mutations it sends (each one an event for every subscription).
const MUTATIONS: usize = 3000;
/// Unsent bytes on the server's side that show it is stuck on the client.
const STUCK_BYTES: u64 = 256 * 1024;
/// Only a held server reaches it.
const BOUND: Duration = Duration::from_secs(30);

fn start(name: &str, env: &[(&str, &str)]) -> ServerProcess {
    ServerProcess::start(env!("CARGO_BIN_EXE_hasone"), name, env)
}

/// The stalled client: its subscriptions, then the mutations that make
/// their events, over its own socket.
async fn stalled_subscriber(base: &str) -> TcpStream {
    let subscribe = "subscription { userProfileChanged(userId: 1) { user { id } profile { id } previous { id } } }";
    let mut messages: Vec<Value> = (0..SUBSCRIPTIONS)
        .map(|i| json!({ "id": format!("s{i}"), "type": "subscribe", "payload": { "query": subscribe } }))
        .collect();
    messages.extend((0..MUTATIONS).map(|i| {
        let target = if i % 2 == 0 { "1" } else { "null" };
        let query = format!(
            "mutation {{ setUserProfile(userId: 1, profileId: {target}) {{ user {{ id }} }} }}"
        );
        json!({ "id": format!("m{i}"), "type": "subscribe", "payload": { "query": query } })
    }));
    stalled_client(base, &messages).await
}

/// What the server has not sent `client` (0 where `/proc/net/tcp` cannot
/// be read: the wait below then fails, saying so).
fn unsent(client: &TcpStream) -> u64 {
    stalled::unsent(client).unwrap_or(0)
}

/// Waits until the server is stuck sending to `client`.
async fn wait_stuck(client: &TcpStream) {
    let deadline = Instant::now() + BOUND;
    while unsent(client) < STUCK_BYTES {
        assert!(
            Instant::now() < deadline,
            "the server never had {STUCK_BYTES} bytes queued for the stalled client ({} now)",
            unsent(client)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET /health` on a new connection: the status line, or why not.
async fn health(addr: &str, within: Duration) -> Result<String, String> {
    let ask = async {
        let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let request = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer);
        Ok(answer.lines().next().unwrap_or_default().to_owned())
    };
    tokio::time::timeout(within, ask)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {within:?}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_after_the_send_timeout() {
    let send_timeout = Duration::from_secs(2);
    let server = start(
        "hasone-stall",
        &[
            ("HASONE_MAX_CONNECTIONS", "1"),
            ("HASONE_SEND_TIMEOUT_MS", "2000"),
        ],
    );
    let addr = server.addr().to_owned();
    let mut stalled = stalled_subscriber(&server.base).await;
    wait_stuck(&stalled).await;
    let stuck = Instant::now();

    // The only place is the stalled client's until it is dropped.
    let answered = health(&addr, BOUND).await;
    let held = stuck.elapsed();
    assert_eq!(answered.as_deref(), Ok("HTTP/1.1 200 OK"), "after {held:?}");

    // The stalled client finds its connection gone (reset), once it reads
    // what its own buffer held.
    let mut buf = vec![0u8; 64 * 1024];
    let ended = tokio::time::timeout(BOUND, async {
        loop {
            match stalled.read(&mut buf).await {
                Ok(0) => break "closed".to_owned(),
                Ok(_) => continue,
                Err(err) => break err.kind().to_string(),
            }
        }
    })
    .await;
    let report = format!(
        "a client that stopped reading was held {:.1} s (HASONE_SEND_TIMEOUT_MS={}), then {ended:?}",
        held.as_secs_f64(),
        send_timeout.as_millis()
    );
    eprintln!("{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("stall.txt"), format!("{report}\n"));
    assert!(ended.is_ok(), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_below_the_connection_limit_never_hold_a_third() {
    let server = start(
        "hasone-stall-limit",
        &[
            ("HASONE_WORKERS", "2"),
            ("HASONE_MAX_CONNECTIONS", "3"),
            ("HASONE_SEND_TIMEOUT_MS", "120000"),
        ],
    );
    let addr = server.addr().to_owned();
    let first = stalled_subscriber(&server.base).await;
    let second = stalled_subscriber(&server.base).await;
    wait_stuck(&first).await;
    wait_stuck(&second).await;
    for _ in 0..3 {
        let answered = health(&addr, Duration::from_secs(10)).await;
        assert_eq!(answered.as_deref(), Ok("HTTP/1.1 200 OK"));
    }
    // Both are still held (their send timeout is 2 minutes).
    assert!(unsent(&first) > 0 && unsent(&second) > 0);
}
