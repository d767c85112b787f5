//! The black-box test harness: [`TestApp`] starts the real application on
//! a free port over its own fresh database, and speaks HTTP to it.
//!
//! Every test runs on SQLite, and on PostgreSQL and MariaDB when
//! `HASONE_TEST_POSTGRES_URL` and `HASONE_TEST_MYSQL_URL` are set (see
//! [`backend_tests!`]). With `HASONE_TEST_REQUIRE_BACKENDS=1` (CI) a missing
//! URL fails the test instead of skipping it. Logs are quiet unless
//! `TEST_LOG` is set.

use entities::{address, profile, project, settings, user};
use hasone_actix::ServerHandle;
use hasone_server::config::Settings;
pub use hasone_testkit::{Backend, Client, Closed, Subscriber, TestDatabase, at, post_json};
use sea_orm::{DatabaseConnection, EntityTrait};

#[doc(hidden)]
pub use hasone_testkit;

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

/// The demo running over its own database, and a client to it (its
/// methods: `gql`, `gql_counted`, `data`, `error_code`).
pub struct TestApp {
    client: Client,
    /// A connection of the test's own, for checking rows; its statements
    /// are not counted.
    pub db: DatabaseConnection,
    handle: ServerHandle,
    database: TestDatabase,
}

impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

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
        let database = TestDatabase::create(backend, &options.schemas).await?;
        let mut settings = Settings {
            server: hasone_actix::Settings {
                addr: "127.0.0.1:0".into(),
                database_url: Some(database.url.clone()),
                schemas: database.allowlist(),
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
        let db = hasone_testkit::connect(&database.url).await;
        Some(TestApp {
            client: Client::new(backend, format!("http://{addr}"), statements),
            db,
            handle,
            database,
        })
    }

    /// The allowlisted name of a schema requested in [`Options::schemas`].
    pub fn schema(&self, name: &str) -> String {
        self.database.schema(name)
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
        self.database.drop_all().await;
    }
}

/// Runs `test` on `backend`; drops the database when it passes.
pub async fn run_with<F, Fut>(backend: Backend, options: Options, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    // A test that hangs fails with its name instead of holding the whole
    // run until CI's limit (the slowest test, the concurrency churn, takes
    // seconds).
    let run = async {
        if let Some(app) = TestApp::spawn_with(backend, options).await {
            test(app).await.finish().await;
        }
    };
    if tokio::time::timeout(TEST_BOUND, run).await.is_err() {
        panic!("[{backend:?}] did not finish within {TEST_BOUND:?}: a hang");
    }
}

/// xorshift: a deterministic stream of numbers per task of a churn test,
/// no dependency needed.
pub struct Rng(u64);

impl Rng {
    /// The stream of task `task` (the same every run).
    pub fn for_task(task: usize) -> Rng {
        Rng(0x9E37_79B9_7F4A_7C15 ^ (task as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D))
    }

    /// The next number, below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// How long one backend test may run.
const TEST_BOUND: std::time::Duration = std::time::Duration::from_secs(300);

/// Declares each listed `async fn name(app: TestApp) -> TestApp` as three
/// tests, `sqlite::name`, `postgres::name` and `mysql::name`, optionally
/// with `options = <expr>;` first (evaluated in the caller's module).
#[macro_export]
macro_rules! backend_tests {
    (options = $options:expr; $($name:ident),* $(,)?) => {
        $crate::hasone_testkit::backend_tests!(run = $crate::run_with; options = $options; $($name),*);
    };
    ($($name:ident),* $(,)?) => {
        $crate::hasone_testkit::backend_tests!(run = $crate::run_with; options = $crate::Options::default(); $($name),*);
    };
}
