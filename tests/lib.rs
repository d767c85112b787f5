//! The black-box test harness: [`TestApp`] starts the real application on
//! a free port over its own fresh database, and speaks HTTP to it.
//!
//! Every test runs on SQLite, and on PostgreSQL and MariaDB when
//! `HASONE_TEST_POSTGRES_URL` and `HASONE_TEST_MYSQL_URL` are set (see
//! [`backend_tests!`]). With `HASONE_TEST_REQUIRE_BACKENDS=1` (CI) a missing
//! URL fails the test instead of skipping it. Logs are quiet unless
//! `TEST_LOG` is set.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use entities::{address, profile, project, settings, user};
use hasone_actix::ServerHandle;
use hasone_graphql::Statements;
use hasone_server::config::Settings;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait};
use serde_json::{Value, json};

/// A database backend the suite runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

impl Backend {
    fn url_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("HASONE_TEST_POSTGRES_URL"),
            Backend::Mysql => Some("HASONE_TEST_MYSQL_URL"),
        }
    }
}

/// Options of a test application.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed_users: i32,
    pub schemas: Vec<String>,
    /// Changes any other setting (limits, timeouts, ...).
    pub configure: fn(&mut Settings),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed_users: 20,
            schemas: Vec::new(),
            configure: |_| {},
        }
    }
}

/// A running application over its own database.
pub struct TestApp {
    pub backend: Backend,
    pub url: String,
    pub client: reqwest::Client,
    statements: Statements,
    /// A connection of the test's own, for checking rows; its statements
    /// are not counted.
    pub db: DatabaseConnection,
    handle: ServerHandle,
    cleanup: Cleanup,
    /// Requested schema name → allowlisted name (unique per test on
    /// MariaDB, where schemas are server-wide databases).
    schemas: Vec<(String, String)>,
}

enum Cleanup {
    File(PathBuf),
    Database {
        admin_url: String,
        names: Vec<String>,
    },
}

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        hasone_actix::telemetry::init(hasone_actix::LogFormat::Text);
    }
}

impl TestApp {
    /// Spawns an application with the default options, or `None` when the
    /// backend is not configured (and not required).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Option<TestApp> {
        init_logs();
        let unique = format!(
            "hasone_t_{}_{}",
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed)
        );
        let schemas: Vec<(String, String)> = options
            .schemas
            .iter()
            .map(|s| match backend {
                Backend::Mysql => (s.clone(), format!("{unique}_{s}")),
                _ => (s.clone(), s.clone()),
            })
            .collect();
        let (database_url, cleanup) = match backend.url_var() {
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
        let mut settings = Settings {
            server: hasone_actix::Settings {
                addr: "127.0.0.1:0".into(),
                database_url: Some(database_url.clone()),
                schemas: schemas.iter().map(|(_, real)| real.clone()).collect(),
                workers: 1,
                ..hasone_actix::Settings::default()
            },
            seed_users: options.seed_users,
        };
        settings.server.pool.db_pool_size = 8;
        (options.configure)(&mut settings);
        let server = hasone_server::startup::build(settings)
            .await
            .unwrap_or_else(|e| panic!("application failed to start on {backend:?}: {e}"));
        let addr = server.app.local_addr();
        let statements = server.db.statements.clone();
        let handle = server.app.handle();
        tokio::spawn(server.app.into_server());
        let db = Database::connect(&database_url)
            .await
            .expect("test connection");
        Some(TestApp {
            backend,
            url: format!("http://{addr}"),
            client: reqwest::Client::new(),
            statements,
            db,
            handle,
            cleanup,
            schemas,
        })
    }

    /// The allowlisted name of a schema requested in [`Options::schemas`].
    pub fn schema(&self, name: &str) -> String {
        self.schemas
            .iter()
            .find(|(requested, _)| requested == name)
            .map(|(_, real)| real.clone())
            .unwrap_or_else(|| panic!("schema {name} was not requested"))
    }

    /// POSTs a GraphQL request; returns the whole JSON response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let resp = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("POST /graphql");
        resp.json().await.expect("JSON response")
    }

    /// Like [`TestApp::gql`], and the SQL statements the server issued.
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

    /// The `extensions.code` of the only error of a response.
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

    /// Every row of the demo tables, one line each, ordered. Two equal
    /// snapshots mean no row changed.
    pub async fn snapshot(&self) -> Vec<String> {
        let db = &self.db;
        let mut lines = Vec::new();
        for u in user::Entity::find().all(db).await.expect("users") {
            lines.push(format!("{u:?}"));
        }
        for p in profile::Entity::find().all(db).await.expect("profiles") {
            lines.push(format!("{p:?}"));
        }
        for a in address::Entity::find().all(db).await.expect("addresses") {
            lines.push(format!("{a:?}"));
        }
        for p in project::Entity::find().all(db).await.expect("projects") {
            lines.push(format!("{p:?}"));
        }
        for s in settings::Entity::find().all(db).await.expect("settings") {
            lines.push(format!("{s:?}"));
        }
        lines.sort();
        lines
    }

    /// Stops the server and drops the test database.
    pub async fn finish(self) {
        self.handle.stop(true).await;
        self.db.close_by_ref().await.ok();
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
                let admin = Database::connect(admin_url)
                    .await
                    .expect("admin connection");
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
    let admin = Database::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach {admin_url}: {e}"));
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

/// Runs `test` on `backend`; drops the database when it passes.
pub async fn run_with<F, Fut>(backend: Backend, options: Options, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    if let Some(app) = TestApp::spawn_with(backend, options).await {
        test(app).await.finish().await;
    }
}

/// Declares each listed `async fn name(app: TestApp) -> TestApp` as three
/// tests, `sqlite::name`, `postgres::name` and `mysql::name`, optionally
/// with `options = <expr>;` first (evaluated in the caller's module).
#[macro_export]
macro_rules! backend_tests {
    (options = $options:expr; $($name:ident),* $(,)?) => {
        $crate::backend_tests!(@backend sqlite Sqlite ($options) $($name),*);
        $crate::backend_tests!(@backend postgres Postgres ($options) $($name),*);
        $crate::backend_tests!(@backend mysql Mysql ($options) $($name),*);
    };
    ($($name:ident),* $(,)?) => {
        $crate::backend_tests!(options = $crate::Options::default(); $($name),*);
    };
    (@backend $module:ident $backend:ident ($options:expr) $($name:ident),*) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::run_with($crate::Backend::$backend, $options, super::$name).await;
                }
            )*
        }
    };
}

/// `data.<path>` of a JSON value, e.g. `at(&v, "user.profile.id")`.
pub fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}
