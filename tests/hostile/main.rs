//! The server under hostile connections: slow request heads, bodies
//! trickled a byte at a time, bodies stalled just before their end, and
//! idle sockets, all at once. A well-behaved client keeps getting answers
//! meanwhile, every hostile socket is answered (`408`) or closed once its
//! timeout passes, and the memory they hold stays bounded. Bounded in time
//! (about 20 s); 127.0.0.1 only.

use std::time::{Duration, Instant};

use hasone_tests::{Backend, Options, TestApp};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sockets of each hostile kind.
const PER_KIND: usize = 500;
/// The body timeout the server runs with here (the default is 10 s).
const BODY_TIMEOUT: Duration = Duration::from_secs(3);

fn hostile(settings: &mut hasone_server::config::Settings) {
    settings.server.workers = 2;
    settings.server.limits.body_timeout_ms = BODY_TIMEOUT.as_millis() as u64;
}

/// The process's resident memory in KiB (the server runs in this process).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The head, one byte a second.
    SlowHead,
    /// A complete head, then the body one byte a second.
    SlowBody,
    /// A complete head and all but the last byte of a 64 KiB body.
    StalledBody,
    /// Connected, nothing sent.
    Idle,
}

const HEAD: &str = "POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 65536\r\n\r\n";

async fn open(addr: &str, kind: Kind) -> Option<TcpStream> {
    let mut socket = TcpStream::connect(addr).await.ok()?;
    match kind {
        Kind::SlowHead => socket.write_all(b"P").await.ok()?,
        Kind::SlowBody => {
            socket.write_all(HEAD.as_bytes()).await.ok()?;
            socket.write_all(b"{").await.ok()?;
        }
        Kind::StalledBody => {
            socket.write_all(HEAD.as_bytes()).await.ok()?;
            let mut body = vec![b' '; 65535];
            body[0] = b'{';
            socket.write_all(&body).await.ok()?;
        }
        Kind::Idle => {}
    }
    Some(socket)
}

/// Sends one more byte on slow sockets.
async fn trickle(socket: &mut TcpStream, kind: Kind, step: usize) -> bool {
    let byte: &[u8] = match kind {
        Kind::SlowHead => &HEAD.as_bytes()[1 + step % (HEAD.len() - 1)..][..1],
        Kind::SlowBody => b" ",
        _ => return true,
    };
    socket.write_all(byte).await.is_ok()
}

/// What a hostile socket got: the status of an answer, or `None` when
/// the server closed it without one.
async fn outcome(mut socket: TcpStream, within: Duration) -> Result<Option<u16>, String> {
    let mut buf = vec![0u8; 4096];
    match tokio::time::timeout(within, socket.read(&mut buf)).await {
        Err(_) => Err("still open, no answer".into()),
        Ok(Err(_)) | Ok(Ok(0)) => Ok(None),
        Ok(Ok(n)) => {
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            Ok(text
                .strip_prefix("HTTP/1.1 ")
                .and_then(|rest| rest.get(..3)?.parse().ok()))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_behaved_client_is_served_through_hostile_connections() {
    let options = Options {
        configure: hostile,
        ..Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("SQLite is always there");
    let addr = app.url.trim_start_matches("http://").to_owned();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let query = json!({ "query": "{ user(id: 1) { id profile { id } } }" });
    // Warm up (the first request allocates what every later one reuses).
    for _ in 0..20 {
        client
            .post(format!("{}/graphql", app.url))
            .json(&query)
            .send()
            .await
            .expect("warm-up");
    }
    let rss_before = rss_kib();

    let kinds = [
        Kind::SlowHead,
        Kind::SlowBody,
        Kind::StalledBody,
        Kind::Idle,
    ];
    let mut sockets = Vec::new();
    for kind in kinds {
        for _ in 0..PER_KIND {
            if let Some(socket) = open(&addr, kind).await {
                sockets.push((kind, socket));
            }
        }
    }
    let opened = sockets.len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_under_attack = rss_kib();

    // For a little longer than the body timeout: the hostile sockets go on
    // trickling while the client asks every 100 ms.
    let started = Instant::now();
    let (mut answered, mut failed) = (0usize, Vec::new());
    let mut step = 0;
    while started.elapsed() < BODY_TIMEOUT + Duration::from_secs(1) {
        let resp = client
            .post(format!("{}/graphql", app.url))
            .json(&query)
            .send()
            .await;
        match resp {
            Ok(resp) if resp.status() == 200 => {
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                if body["data"]["user"]["id"] == json!("User:1") {
                    answered += 1;
                } else {
                    failed.push(body.to_string());
                }
            }
            Ok(resp) => failed.push(format!("status {}", resp.status())),
            Err(err) => failed.push(err.to_string()),
        }
        if step % 10 == 0 {
            for (kind, socket) in &mut sockets {
                trickle(socket, *kind, step / 10).await;
            }
        }
        step += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every hostile socket has been answered or closed by now, or is
    // within a few seconds (the head timeout is 5 s, keep-alive 5 s).
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let waits: Vec<_> = sockets
        .into_iter()
        .map(|(kind, socket)| {
            tokio::spawn(async move {
                let got = outcome(socket, Duration::from_secs(10)).await;
                format!("{kind:?} -> {got:?}")
            })
        })
        .collect();
    for wait in waits {
        *outcomes.entry(wait.await.expect("task")).or_default() += 1;
    }
    let rss_after = rss_kib();
    let report = format!(
        "hostile sockets opened={opened} client answered={answered} failed={} rss_kib before={rss_before} under_attack={rss_under_attack} after={rss_after} outcomes={outcomes:?}",
        failed.len()
    );
    eprintln!("{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("hostile.txt"), format!("{report}\n"));

    assert_eq!(opened, 4 * PER_KIND, "{report}");
    assert!(failed.is_empty(), "{failed:?}\n{report}");
    assert!(answered >= 20, "{report}");
    assert!(
        outcomes.keys().all(|k| !k.contains("still open")),
        "{report}"
    );
    // Slow and stalled bodies get a 408, not a silent close.
    for kind in [Kind::SlowBody, Kind::StalledBody] {
        let key = format!("{kind:?} -> Ok(Some(408))");
        assert_eq!(outcomes.get(&key), Some(&PER_KIND), "{report}");
    }
    app.finish().await;
}

fn small_budget(settings: &mut hasone_server::config::Settings) {
    settings.server.limits.max_pending_body_bytes = 1024 * 1024;
    settings.server.limits.body_timeout_ms = BODY_TIMEOUT.as_millis() as u64;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_being_received_share_one_memory_budget() {
    let options = Options {
        configure: small_budget,
        ..Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("SQLite is always there");
    let addr = app.url.trim_start_matches("http://").to_owned();
    // 1 MiB holds 16 stalled 64 KiB bodies; the 17th and later are refused.
    let mut stalled = Vec::new();
    for _ in 0..24 {
        stalled.push(open(&addr, Kind::StalledBody).await.expect("connect"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut statuses = Vec::new();
    for socket in stalled {
        statuses.push(outcome(socket, BODY_TIMEOUT + Duration::from_secs(5)).await);
    }
    let busy = statuses.iter().filter(|s| **s == Ok(Some(503))).count();
    let timed_out = statuses.iter().filter(|s| **s == Ok(Some(408))).count();
    assert_eq!(busy + timed_out, 24, "{statuses:?}");
    assert!((1..=8).contains(&busy), "{statuses:?}");
    // Once they are gone, the budget is whole again: a normal request runs.
    let d = app.data("{ user(id: 1) { id } }", json!({})).await;
    assert_eq!(d["user"]["id"], json!("User:1"));
    app.finish().await;
}
