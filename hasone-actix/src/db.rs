//! The database: [`Pool`], opened once from the settings' URL: the pool
//! (timeouts, SQLite's WAL and attached tenant files, MariaDB's statement
//! time limit), its statement counter, the read replica, the `schema`
//! allowlist and the readiness probe.

use std::sync::Arc;
use std::time::Duration;

use hasone::tenancy::Allowlist;
use hasone_graphql::Statements;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sea_orm::sqlx::{AssertSqlSafe, raw_sql};
use sea_orm::{ConnectOptions, Database as SeaDatabase, DatabaseConnection, DbErr};

use crate::error::StartupError;
use crate::settings::Settings;

/// The database a server serves: the pool and its statement counter,
/// with what was opened from the same URL (the `/ready` probe, the read
/// replica) and the `schema` allowlist checked against it. [`Pool::open`]
/// makes it; [`crate::AppState::build`] serves it.
#[derive(Clone, Debug)]
pub struct Pool {
    /// The pool: migrate with it, and give it to code of your own.
    pub conn: DatabaseConnection,
    /// Counts the statements the pool runs (what batching tests assert).
    pub statements: Statements,
    allowlist: Allowlist,
    replica: Option<DatabaseConnection>,
    probe: Probe,
}

impl Pool {
    /// Opens the database of `settings.database_url` (`default_url` when
    /// none is set): checks the `schema` allowlist against it, opens the
    /// pool, the read replica's pool when one is set, and the probes.
    pub async fn open(settings: &Settings, default_url: &str) -> Result<Pool, StartupError> {
        let url = settings.database_url_or(default_url);
        let allowlist = settings
            .allowlist(&url)
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let (conn, statements) = connect(settings, &url, &allowlist).await?;
        let mut probe = Probe::open(&url).await?;
        let replica = match &settings.read_database_url {
            Some(replica_url) => {
                let (replica, _) = connect(settings, replica_url, &allowlist).await?;
                probe = probe.with_replica(replica_url).await?;
                tracing::info!("queries read from the read replica (HASONE_READ_DATABASE_URL)");
                Some(replica)
            }
            None => None,
        };
        Ok(Pool {
            conn,
            statements,
            allowlist,
            replica,
            probe,
        })
    }

    /// The schemas a `schema` argument may name (`HASONE_SCHEMAS`).
    pub fn allowlist(&self) -> &Allowlist {
        &self.allowlist
    }

    /// The read replica's pool, if one is set.
    pub fn replica(&self) -> Option<&DatabaseConnection> {
        self.replica.as_ref()
    }

    /// The `/ready` probe.
    pub fn probe(&self) -> &Probe {
        &self.probe
    }

    /// Closes every connection opened from the URL: the pool, the read
    /// replica's and the probe's, for this handle and every copy (a server
    /// still serving from them gets `UNAVAILABLE`). For a clean shutdown,
    /// and before a test drops its database.
    pub async fn close(&self) {
        let _ = self.conn.close_by_ref().await;
        if let Some(replica) = &self.replica {
            let _ = replica.close_by_ref().await;
        }
        let _ = self.probe.primary.close_by_ref().await;
        if let Some(replica) = &self.probe.replica {
            let _ = replica.close_by_ref().await;
        }
    }
}

/// Pool options without sqlx's idle reaper: no idle timeout and no maximum
/// lifetime. sqlx 0.9.0's reaper task can spin a core at 100 % forever
/// (its `num_idle` counter underflows in a race and the sweep then loops
/// over `0..usize::MAX` without awaiting), which also hangs the runtime's
/// shutdown: seen twice in this repository's test runs. Upstream issue
/// launchbadge/sqlx#3645, fixed by #4289, not in a release yet; without
/// the two timeouts sqlx does not start that task. Broken connections are
/// still found and replaced when they fail.
pub fn without_reaper(opts: &mut ConnectOptions) -> &mut ConnectOptions {
    opts.idle_timeout(None::<Duration>)
        .max_lifetime(None::<Duration>)
}

/// Opens the pool for the database at `url`. SQLite runs in WAL mode with
/// a busy timeout and foreign keys on, and attaches one file per
/// allowlisted schema to every connection (`<database file>.<schema>`).
async fn connect(
    settings: &Settings,
    url: &str,
    allowlist: &Allowlist,
) -> Result<(DatabaseConnection, Statements), DbErr> {
    let attach = sqlite_attachments(url, allowlist);
    if url.starts_with("sqlite:") {
        sqlite_to_wal(url, &attach).await?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    let pool = &settings.pool;
    let statement_timeout = Duration::from_millis(pool.db_statement_timeout_ms);
    without_reaper(&mut opts)
        .max_connections(pool.db_pool_size)
        .min_connections(1)
        .acquire_timeout(Duration::from_millis(pool.db_acquire_timeout_ms))
        .connect_timeout(Duration::from_secs(5))
        .statement_timeout(statement_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        })
        .map_sqlx_mysql_pool_opts(move |pool| {
            pool.after_connect(move |conn, _| {
                Box::pin(async move {
                    // MariaDB takes seconds, MySQL milliseconds.
                    let mariadb = format!(
                        "SET SESSION max_statement_time = {}",
                        statement_timeout.as_secs_f64()
                    );
                    if raw_sql(AssertSqlSafe(mariadb))
                        .execute(&mut *conn)
                        .await
                        .is_err()
                    {
                        let mysql = format!(
                            "SET SESSION max_execution_time = {}",
                            statement_timeout.as_millis()
                        );
                        raw_sql(AssertSqlSafe(mysql)).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
        })
        .map_sqlx_sqlite_pool_opts(move |pool| {
            let attach = attach.clone();
            pool.after_connect(move |conn, _| {
                let attach = attach.clone();
                Box::pin(async move {
                    for sql in attach.iter() {
                        // Built from allowlisted names only (see above).
                        raw_sql(AssertSqlSafe(sql.clone()))
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
        });
    let mut conn = SeaDatabase::connect(opts).await?;
    let statements = Statements::install(&mut conn);
    Ok((conn, statements))
}

/// Turns a new SQLite file (and its tenant files) to WAL on one connection
/// of its own, before the pool opens several at once. Two first connections
/// that both switch a new file to WAL can both hold a shared lock and want
/// an exclusive one; SQLite then answers one "database is locked" at once,
/// without waiting for the busy timeout (a CI run failed on it at startup).
/// WAL is kept in the file, so the pool's connections find it set.
async fn sqlite_to_wal(url: &str, attach: &[String]) -> Result<(), DbErr> {
    use sea_orm::sqlx::{Connection, sqlite::SqliteConnection};
    let failed = |e: sea_orm::sqlx::Error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into()));
    let Ok(options) = url.parse::<SqliteConnectOptions>() else {
        // Not a URL sqlx reads: the pool reports it.
        return Ok(());
    };
    if options.get_filename().as_os_str() == ":memory:" {
        return Ok(());
    }
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10));
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(failed)?;
    for sql in attach {
        // Built from allowlisted names only (see `sqlite_attachments`).
        raw_sql(AssertSqlSafe(sql.clone()))
            .execute(&mut conn)
            .await
            .map_err(failed)?;
    }
    conn.close().await.map_err(failed)
}

/// A connection of its own for `/ready`, outside the pool: a pool busy
/// with requests says nothing about whether the database answers.
#[derive(Clone, Debug)]
pub struct Probe {
    primary: DatabaseConnection,
    replica: Option<DatabaseConnection>,
}

/// How long `/ready` waits for the database.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

async fn probe_connection(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    without_reaper(&mut opts)
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(PROBE_TIMEOUT)
        .connect_timeout(PROBE_TIMEOUT)
        .sqlx_logging(false);
    SeaDatabase::connect(opts).await
}

impl Probe {
    /// Opens the `/ready` probe: one connection at most, opened on demand
    /// and again after the database came back.
    async fn open(url: &str) -> Result<Probe, DbErr> {
        Ok(Probe {
            primary: probe_connection(url).await?,
            replica: None,
        })
    }

    /// Probes the read replica at `url` too.
    async fn with_replica(mut self, url: &str) -> Result<Self, DbErr> {
        self.replica = Some(probe_connection(url).await?);
        Ok(self)
    }

    /// Whether the database answers within [`PROBE_TIMEOUT`], and the read
    /// replica if there is one (`None` when there is none).
    pub async fn ping(&self) -> (Result<(), String>, Option<Result<(), String>>) {
        let replica = async {
            match &self.replica {
                Some(replica) => Some(ping(replica).await),
                None => None,
            }
        };
        tokio::join!(ping(&self.primary), replica)
    }
}

async fn ping(db: &DatabaseConnection) -> Result<(), String> {
    match tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} ms", PROBE_TIMEOUT.as_millis())),
    }
}

/// The statements that attach each allowlisted schema's file to an SQLite
/// connection. Names are allowlisted identifiers; the path is quoted.
fn sqlite_attachments(url: &str, allowlist: &Allowlist) -> Arc<Vec<String>> {
    let main = url
        .parse::<SqliteConnectOptions>()
        .ok()
        .map(|o| o.get_filename().to_string_lossy().into_owned());
    let statements = allowlist
        .names()
        .iter()
        .flat_map(|schema| {
            let file = match &main {
                Some(main) if !main.is_empty() && main != ":memory:" => format!("{main}.{schema}"),
                _ => ":memory:".to_owned(),
            };
            [
                format!(
                    "ATTACH DATABASE '{}' AS \"{schema}\"",
                    file.replace('\'', "''")
                ),
                format!("PRAGMA \"{schema}\".journal_mode = WAL"),
            ]
        })
        .collect();
    Arc::new(statements)
}
