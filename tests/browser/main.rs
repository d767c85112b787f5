//! GraphiQL in a real browser: starts the app on SQLite and runs
//! `node tests/browser/graphiql.mjs <app url> <screenshot dir>`, which drives
//! headless Chromium through playwright-core (see that script for what it
//! checks). Screenshots land in `target/screenshots/`.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM_PATH`), `node`, and
//! `npm ci` in `tests/browser`; without them the test prints `skipped: ...`
//! and passes, unless `HASONE_TEST_REQUIRE_BROWSER=1` (CI), which turns a
//! missing piece into a failure.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use hasone_tests::{Backend, TestApp};
use serde_json::json;

/// The whole browser run, Chromium start included.
const TIMEOUT: Duration = Duration::from_secs(240);

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM_PATH")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn script_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace");
    workspace.join("target").join("screenshots")
}

/// Why the browser test cannot run here, if it cannot.
fn missing_piece() -> Option<String> {
    let chromium = chromium();
    if !chromium.is_file() {
        return Some(format!(
            "{} not found (apt-get install chromium)",
            chromium.display()
        ));
    }
    if !script_dir().join("node_modules/playwright-core").is_dir() {
        return Some(
            "tests/browser/node_modules is missing (run `npm ci` in tests/browser)".into(),
        );
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    None
}

/// Runs the script with its output in `<dir>/graphiql.log`; kills it after
/// [`TIMEOUT`]. Returns its exit status and output.
fn run_script(url: &str, dir: &Path) -> (Option<ExitStatus>, String) {
    let log_path = dir.join("graphiql.log");
    let log = File::create(&log_path).expect("create graphiql.log");
    let mut child = Command::new("node")
        .arg("graphiql.mjs")
        .arg(url)
        .arg(dir)
        .current_dir(script_dir())
        .env("CHROMIUM_PATH", chromium())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone log handle"))
        .stderr(log)
        .spawn()
        .expect("start node");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().expect("wait for node") {
            Some(status) => break Some(status),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    (status, output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_queries_mutations_and_subscriptions_in_chromium() {
    if let Some(reason) = missing_piece() {
        if std::env::var("HASONE_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("HASONE_TEST_REQUIRE_BROWSER=1 but {reason}");
        }
        eprintln!("skipped: {reason}");
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("create target/screenshots");

    let url = app.url.clone();
    let script_dir = dir.clone();
    let (status, output) = tokio::task::spawn_blocking(move || run_script(&url, &script_dir))
        .await
        .expect("browser run");
    println!("{output}");
    match status {
        Some(status) => assert!(
            status.success(),
            "graphiql.mjs failed ({status}); screenshots in {}:\n{output}",
            dir.display()
        ),
        None => panic!("graphiql.mjs did not finish within {TIMEOUT:?}:\n{output}"),
    }

    // The mutation run from GraphiQL really moved the profile away from
    // user 1, and the unlink the subscription showed left it unlinked.
    let data = app
        .data(
            r#"{
                five: user(id: "User:5") { profile { id } }
                one: user(id: "User:1") { profile { id } }
                profile: node(id: "Profile:1") { ... on Profile { userId } }
            }"#,
            json!({}),
        )
        .await;
    assert!(data["five"]["profile"].is_null(), "{data:#}");
    assert!(data["one"]["profile"].is_null(), "{data:#}");
    assert!(data["profile"]["userId"].is_null(), "{data:#}");

    app.finish().await;
}
