//! Test support for hasone applications, shared by the demo's suite and
//! the examples':
//!
//! - [`TestDatabase`]: a database of the test's own on [`Backend::Sqlite`]
//!   (a file), [`Backend::Postgres`] or [`Backend::Mysql`] (a database
//!   created on the server `HASONE_TEST_POSTGRES_URL` or
//!   `HASONE_TEST_MYSQL_URL` names, dropped when the test passes). Without
//!   the URL a test prints `skipped` and passes, unless
//!   `HASONE_TEST_REQUIRE_BACKENDS=1` (CI) makes that a failure.
//! - [`Client`]: GraphQL over HTTP to a server under test, counting the
//!   SQL statements the server issued for each request.
//! - [`backend_tests!`]: one `async fn` as three tests, one per backend.

pub mod stalled;
mod ws;
pub use ws::{Closed, Subscriber};

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use hasone_graphql::Statements;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// A database backend a suite runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

impl Backend {
    /// The variable naming the server of this backend (none for SQLite).
    pub fn url_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("HASONE_TEST_POSTGRES_URL"),
            Backend::Mysql => Some("HASONE_TEST_MYSQL_URL"),
        }
    }
}

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// A database of one test's own.
pub struct TestDatabase {
    pub backend: Backend,
    /// Its URL, for the server and for the test's own connection.
    pub url: String,
    /// Requested schema name → the name to allowlist (unique per test on
    /// MariaDB, where schemas are server-wide databases).
    pub schemas: Vec<(String, String)>,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database {
        admin_url: String,
        names: Vec<String>,
    },
}

impl TestDatabase {
    /// A new, empty database with room for the tenant `schemas`; `None`
    /// when the backend is not configured (and not required).
    ///
    /// # Panics
    /// When the backend is required but not configured, or unreachable.
    pub async fn create(backend: Backend, schemas: &[String]) -> Option<TestDatabase> {
        let unique = format!(
            "hasone_t_{}_{}",
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed)
        );
        let schemas: Vec<(String, String)> = schemas
            .iter()
            .map(|s| match backend {
                Backend::Mysql => (s.clone(), format!("{unique}_{s}")),
                _ => (s.clone(), s.clone()),
            })
            .collect();
        let (url, cleanup) = match backend.url_var() {
            None => {
                let path = std::env::temp_dir().join(format!("{unique}.sqlite"));
                let url = format!("sqlite://{}?mode=rwc", path.display());
                (url, Cleanup::File(path))
            }
            Some(var) => {
                let admin_url = match std::env::var(var) {
                    Ok(url) if !url.is_empty() => url,
                    _ => {
                        if std::env::var("HASONE_TEST_REQUIRE_BACKENDS").is_ok_and(|v| v == "1") {
                            panic!(
                                "{var} is required (HASONE_TEST_REQUIRE_BACKENDS=1) but not set"
                            );
                        }
                        eprintln!("skipped: {var} is not set");
                        return None;
                    }
                };
                create_database(&admin_url, &unique).await;
                let url = replace_database(&admin_url, &unique);
                let mut names = vec![unique];
                if backend == Backend::Mysql {
                    names.extend(schemas.iter().map(|(_, real)| real.clone()));
                }
                (url, Cleanup::Database { admin_url, names })
            }
        };
        Some(TestDatabase {
            backend,
            url,
            schemas,
            cleanup,
        })
    }

    /// The name to allowlist for a requested schema.
    ///
    /// # Panics
    /// When `name` was not requested.
    pub fn schema(&self, name: &str) -> String {
        self.schemas
            .iter()
            .find(|(requested, _)| requested == name)
            .map(|(_, real)| real.clone())
            .unwrap_or_else(|| panic!("schema {name} was not requested"))
    }

    /// The names the server should allowlist.
    pub fn allowlist(&self) -> Vec<String> {
        self.schemas.iter().map(|(_, real)| real.clone()).collect()
    }

    /// Drops the database (and its tenant files or databases).
    pub async fn drop_all(self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                let files = std::iter::once(String::new())
                    .chain(self.schemas.iter().map(|(_, s)| format!(".{s}")));
                for file in files {
                    for suffix in ["", "-wal", "-shm"] {
                        let mut p = path.clone().into_os_string();
                        p.push(&file);
                        p.push(suffix);
                        let _ = std::fs::remove_file(p);
                    }
                }
            }
            Cleanup::Database { admin_url, names } => {
                let admin = connect(admin_url).await;
                // Tenant databases first: their tables reference the main one.
                for name in names.iter().rev() {
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                        .await
                        .expect("drop test database");
                }
            }
        }
    }
}

async fn create_database(admin_url: &str, name: &str) {
    let admin = connect(admin_url).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop stale test database");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
}

/// `scheme://user@host:port/db?params` with `db` replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, params) = url
        .split_once('?')
        .map_or((url, None), |(b, p)| (b, Some(p)));
    let head = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |j| j + 2) => &base[..i],
        _ => base,
    };
    match params {
        Some(p) => format!("{head}/{name}?{p}"),
        None => format!("{head}/{name}"),
    }
}

/// GraphQL over HTTP to a server under test.
pub struct Client {
    pub backend: Backend,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    pub client: reqwest::Client,
    /// The server's statement counter.
    pub statements: Statements,
}

impl Client {
    pub fn new(backend: Backend, url: String, statements: Statements) -> Self {
        Client {
            backend,
            url,
            client: reqwest::Client::new(),
            statements,
        }
    }

    /// POSTs a GraphQL request; returns the whole JSON response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables });
        post_json(&self.client, &format!("{}/graphql", self.url), &body).await
    }

    /// Like [`Client::gql`], and the SQL statements the server issued.
    pub async fn gql_counted(&self, query: &str, variables: Value) -> (Value, u64) {
        let before = self.statements.total();
        let resp = self.gql(query, variables).await;
        (resp, self.statements.total() - before)
    }

    /// `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let resp = self.gql(query, variables).await;
        assert!(
            resp.get("errors").is_none(),
            "[{:?}] unexpected errors: {resp:#}",
            self.backend
        );
        resp["data"].clone()
    }

    /// The `extensions.code` of the only error of a response, whose
    /// message must not show SQL.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let resp = self.gql(query, variables).await;
        let errors = resp["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("[{:?}] expected an error: {resp:#}", self.backend));
        assert_eq!(errors.len(), 1, "{resp:#}");
        let message = errors[0]["message"].as_str().unwrap_or_default();
        for leak in ["SELECT", "UPDATE", "INSERT", "sqlx", "SQLSTATE"] {
            assert!(!message.contains(leak), "error leaks {leak}: {message}");
        }
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no extensions.code: {resp:#}"))
            .to_owned()
    }
}

/// `data.<path>` of a JSON value, e.g. `at(&v, "user.profile.id")`.
pub fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}

/// Declares each listed `async fn name(app: App) -> App` as three tests,
/// `sqlite::name`, `postgres::name` and `mysql::name`, each run by
/// `run(Backend, options, name)` (the suite's own runner, which starts the
/// application and cleans up).
#[macro_export]
macro_rules! backend_tests {
    (run = $run:path; options = $options:expr; $($name:ident),* $(,)?) => {
        $crate::backend_tests!(@backend $run; sqlite Sqlite ($options) $($name),*);
        $crate::backend_tests!(@backend $run; postgres Postgres ($options) $($name),*);
        $crate::backend_tests!(@backend $run; mysql Mysql ($options) $($name),*);
    };
    (@backend $run:path; $module:ident $backend:ident ($options:expr) $($name:ident),*) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $run($crate::Backend::$backend, $options, super::$name).await;
                }
            )*
        }
    };
}

/// The standard output of a server process under test, line by line, read
/// on a thread of its own: tests wait for what the server says it did
/// (the address it bound, a request it started) instead of guessing how
/// long it takes.
pub struct ProcessLog(std::sync::mpsc::Receiver<String>);

impl ProcessLog {
    /// How long [`ProcessLog::wait_for`] waits: only a hung server reaches it.
    pub const BOUND: std::time::Duration = std::time::Duration::from_secs(30);

    /// Takes over `child`'s piped standard output.
    ///
    /// # Panics
    /// When the child's standard output was not piped.
    pub fn of(child: &mut std::process::Child) -> ProcessLog {
        use std::io::BufRead;
        let stdout = child.stdout.take().expect("the child's stdout is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        ProcessLog(rx)
    }

    /// The first line from now on that contains `needle`.
    ///
    /// # Panics
    /// When none comes within [`ProcessLog::BOUND`] or the process ends.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |line| line.contains(needle))
    }

    /// The first line from now on that `wanted` accepts (`what` names it
    /// in the panic message).
    pub fn wait_until(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + Self::BOUND;
        // The lines passed over, for the panic message (a process that
        // exits says why in its last ones).
        let mut passed = std::collections::VecDeque::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.0.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(line) => {
                    if passed.len() == 20 {
                        passed.pop_front();
                    }
                    passed.push_back(line);
                }
                Err(err) => panic!(
                    "no log line with {what:?} ({err}); the last lines before:\n{}",
                    Vec::from(passed).join("\n")
                ),
            }
        }
    }

    /// The base URL (`http://host:port`) of hasone-actix's "serving GraphQL
    /// at http://…/graphql" line.
    pub fn wait_for_address(&self) -> String {
        let line = self.wait_for("serving GraphQL at http://");
        line.split("http://")
            .nth(1)
            .and_then(|rest| rest.trim().strip_suffix("/graphql"))
            .map(|addr| format!("http://{addr}"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
    }

    /// The SQL statements of the request with id `request_id`, from its
    /// `graphql` log line (`statements=N`).
    pub fn statements_of(&self, request_id: &str) -> u64 {
        let (plain, quoted) = (
            format!("request_id={request_id} "),
            format!("request_id=\"{request_id}\""),
        );
        let line = self.wait_until(&plain, |line| {
            line.contains("statements=") && (line.contains(&plain) || line.contains(&quoted))
        });
        line.split_whitespace()
            .find_map(|part| part.strip_prefix("statements="))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no statement count in {line:?}"))
    }
}

/// A server binary under test, running on a new SQLite file with 5 seeded
/// users, one worker, and `HASONE_ADDR=127.0.0.1:0`; killed when dropped.
pub struct ServerProcess {
    /// The process.
    pub child: std::process::Child,
    /// What it logs.
    pub log: ProcessLog,
    /// Its base URL, `http://127.0.0.1:<port>`.
    pub base: String,
    /// Its SQLite database.
    pub db_url: String,
    dir: PathBuf,
}

impl ServerProcess {
    /// Starts `exe` (a test's `env!("CARGO_BIN_EXE_…")`) with `env` on top
    /// of the defaults, logging hasone's requests (`debug`); `name` names
    /// its folder. Waits until it serves.
    ///
    /// # Panics
    /// When it does not start or says no address.
    pub fn start(exe: &str, name: &str, env: &[(&str, &str)]) -> ServerProcess {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let db_url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
        let mut child = std::process::Command::new(exe)
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
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {exe}: {e}"));
        let log = ProcessLog::of(&mut child);
        let base = log.wait_for_address();
        ServerProcess {
            child,
            log,
            base,
            db_url,
            dir,
        }
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A test's own connection to `url`, without sqlx's idle reaper (see
/// `hasone_actix::db::without_reaper`: sqlx 0.9.0's reaper can spin and
/// hang a test's runtime at shutdown).
///
/// # Panics
/// When the database cannot be reached.
pub async fn connect(url: &str) -> sea_orm::DatabaseConnection {
    let mut opts = sea_orm::ConnectOptions::new(url.to_owned());
    opts.idle_timeout(None::<std::time::Duration>)
        .max_lifetime(None::<std::time::Duration>)
        .sqlx_logging(false);
    sea_orm::Database::connect(opts)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// POSTs `body` (a request or a batch) as JSON to `url` with `http` (a
/// client of the caller's own, for tests that want their own connections);
/// returns the JSON answer.
///
/// # Panics
/// When the request fails or the answer is not JSON.
pub async fn post_json(http: &reqwest::Client, url: &str, body: &Value) -> Value {
    http.post(url)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("JSON answer from {url}: {e}"))
}
