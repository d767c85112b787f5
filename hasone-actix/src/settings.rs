//! Typed settings of a hasone server: defaults, overridden by environment
//! variables, overridden by flags (clap). Every default is a constant, used
//! by clap and by [`Default`]. An application flattens [`Settings`] into
//! its own command line (`#[command(flatten)]`).

use std::time::Duration;

use clap::{Args, ValueEnum};
use hasone::tenancy::{Allowlist, InvalidSchemaName};

/// Where a server listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
const WORKERS: usize = 0;
const SHUTDOWN_TIMEOUT_SECS: u64 = 30;
// The GraphQL limits' defaults are hasone-graphql's.
const MAX_PAGE_SIZE: u64 = hasone_graphql::Limits::DEFAULT.max_page_size;
const MAX_DEPTH: usize = hasone_graphql::Limits::DEFAULT.max_depth;
const MAX_COMPLEXITY: usize = hasone_graphql::Limits::DEFAULT.max_complexity;
const MAX_ALIASES: usize = hasone_graphql::Limits::DEFAULT.max_aliases;
const MAX_BATCH: usize = hasone_graphql::Limits::DEFAULT.max_batch;
const MAX_BODY_BYTES: usize = 64 * 1024;
const REQUEST_TIMEOUT_MS: u64 = hasone_graphql::Limits::DEFAULT.request_timeout.as_millis() as u64;
const BODY_TIMEOUT_MS: u64 = 10_000;
const MAX_PENDING_BODY_BYTES: usize = 64 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 4096;
const MAX_SUBSCRIPTIONS: usize = 100;
const SEND_TIMEOUT_MS: u64 = 30_000;
const DB_POOL_SIZE: u32 = 16;
const DB_ACQUIRE_TIMEOUT_MS: u64 = 5_000;
const DB_STATEMENT_TIMEOUT_MS: u64 = 5_000;

/// Everything a hasone server is configured with.
#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "HASONE_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: String,

    /// Database URL: sqlite://, postgres:// or mysql:// (the application
    /// gives the default).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// A read replica of the database (PostgreSQL or MariaDB): queries
    /// read from it; mutations, and every read of a request that mutates,
    /// go to the primary (`DATABASE_URL`).
    #[arg(long, env = "HASONE_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,

    /// Schemas the `schema` argument may name, comma separated.
    #[arg(long, env = "HASONE_SCHEMAS", value_delimiter = ',')]
    pub schemas: Vec<String>,

    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "HASONE_WORKERS", default_value_t = WORKERS)]
    pub workers: usize,

    /// Origins allowed to call the API from a browser (CORS), comma
    /// separated; none by default (same origin only).
    #[arg(long, env = "HASONE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Host names the server answers to (the `Host` header), comma
    /// separated: `api.example.com`, `.example.com` (it and its
    /// subdomains), `*` (any: no protection against DNS rebinding). By
    /// default `localhost` and the address listened on (the loopback
    /// addresses when that is `0.0.0.0` or `::`). Other hosts get `400`.
    #[arg(long, env = "HASONE_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,

    /// Serve introspection (`__schema`, `__type`); `false` turns it off.
    #[arg(long, env = "HASONE_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Log format.
    #[arg(long, env = "HASONE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "HASONE_SHUTDOWN_TIMEOUT_SECS", default_value_t = SHUTDOWN_TIMEOUT_SECS)]
    pub shutdown_timeout_secs: u64,

    /// Limits on what one request may ask for.
    #[command(flatten)]
    pub limits: RequestLimits,

    /// The database pool.
    #[command(flatten)]
    pub pool: PoolSettings,
}

/// Limits on what one request may ask for.
#[derive(Args, Clone, Debug)]
pub struct RequestLimits {
    /// Largest `first` accepted by connections.
    #[arg(long, env = "HASONE_MAX_PAGE_SIZE", default_value_t = MAX_PAGE_SIZE)]
    pub max_page_size: u64,

    /// Deepest selection nesting.
    #[arg(long, env = "HASONE_MAX_DEPTH", default_value_t = MAX_DEPTH)]
    pub max_depth: usize,

    /// Largest query complexity (one per field).
    #[arg(long, env = "HASONE_MAX_COMPLEXITY", default_value_t = MAX_COMPLEXITY)]
    pub max_complexity: usize,

    /// Most aliased fields in one document.
    #[arg(long, env = "HASONE_MAX_ALIASES", default_value_t = MAX_ALIASES)]
    pub max_aliases: usize,

    /// Most operations in one batched POST.
    #[arg(long, env = "HASONE_MAX_BATCH", default_value_t = MAX_BATCH)]
    pub max_batch: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "HASONE_MAX_BODY_BYTES", default_value_t = MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Milliseconds a request may run before it is answered with `TIMEOUT`.
    #[arg(long, env = "HASONE_REQUEST_TIMEOUT_MS", default_value_t = REQUEST_TIMEOUT_MS)]
    pub request_timeout_ms: u64,

    /// Milliseconds a request body may take to arrive (slower: `408`).
    #[arg(long, env = "HASONE_BODY_TIMEOUT_MS", default_value_t = BODY_TIMEOUT_MS)]
    pub body_timeout_ms: u64,

    /// Bytes all request bodies being received may hold together (past
    /// it: `503`).
    #[arg(long, env = "HASONE_MAX_PENDING_BODY_BYTES", default_value_t = MAX_PENDING_BODY_BYTES)]
    pub max_pending_body_bytes: usize,

    /// Client connections open at once in the process (more wait to be
    /// accepted). actix-web counts them per worker: each of the `W` workers
    /// takes an equal share, rounded up, so the process holds up to this
    /// many plus `W - 1`, and `N - 1` connections that never finish cannot
    /// fill every worker.
    #[arg(long, env = "HASONE_MAX_CONNECTIONS", default_value_t = MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Milliseconds a client may leave what the server sends it untaken
    /// (a full receive window, unacknowledged data) before its connection
    /// is dropped: HTTP responses (Linux: the socket's
    /// `TCP_USER_TIMEOUT`) and WebSocket messages alike.
    #[arg(long, env = "HASONE_SEND_TIMEOUT_MS", default_value_t = SEND_TIMEOUT_MS)]
    pub send_timeout_ms: u64,

    /// Operations running at once on one WebSocket connection (more are
    /// answered with `LIMIT_EXCEEDED`).
    #[arg(long, env = "HASONE_MAX_SUBSCRIPTIONS", default_value_t = MAX_SUBSCRIPTIONS)]
    pub max_subscriptions: usize,
}

/// The database pool.
#[derive(Args, Clone, Debug)]
pub struct PoolSettings {
    /// Largest connection pool.
    #[arg(long, env = "HASONE_DB_POOL_SIZE", default_value_t = DB_POOL_SIZE)]
    pub db_pool_size: u32,

    /// Milliseconds to wait for a free connection.
    #[arg(long, env = "HASONE_DB_ACQUIRE_TIMEOUT_MS", default_value_t = DB_ACQUIRE_TIMEOUT_MS)]
    pub db_acquire_timeout_ms: u64,

    /// Milliseconds one SQL statement may run (PostgreSQL
    /// `statement_timeout`, MariaDB `max_statement_time`; SQLite: none).
    #[arg(long, env = "HASONE_DB_STATEMENT_TIMEOUT_MS", default_value_t = DB_STATEMENT_TIMEOUT_MS)]
    pub db_statement_timeout_ms: u64,
}

/// How the server logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Settings {
    /// The settings of a program whose command line is hasone-actix's
    /// alone: flags, over environment variables, over the defaults (exits
    /// with clap's message on a bad one). A program with a command line of
    /// its own flattens `Settings` into it (`#[command(flatten)]`) instead.
    pub fn parse() -> Settings {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            settings: Settings,
        }
        <Only as clap::Parser>::parse().settings
    }

    /// The database URL, or `default` when none is configured.
    pub fn database_url_or(&self, default: &str) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| default.to_owned())
    }

    /// The validated `schema` allowlist for the database at `url`: plain
    /// identifiers, none of them a name the database reserves or already
    /// uses for the default schema.
    pub fn allowlist(&self, url: &str) -> Result<Allowlist, InvalidSchemaName> {
        let list = Allowlist::new(&self.schemas)?;
        for name in list.names() {
            if let Some(why) = reserved_schema(name.as_str(), url) {
                return Err(InvalidSchemaName::new(name.as_str(), why));
            }
        }
        Ok(list)
    }

    /// The limits GraphQL requests run under.
    pub fn graphql_limits(&self) -> hasone_graphql::Limits {
        let l = &self.limits;
        hasone_graphql::Limits {
            max_page_size: l.max_page_size,
            max_depth: l.max_depth,
            max_complexity: l.max_complexity,
            max_aliases: l.max_aliases,
            max_batch: l.max_batch,
            request_timeout: l.request_timeout(),
            introspection: self.introspection,
        }
    }
}

/// Why `name` cannot be a tenant schema with the database at `url`, if it
/// cannot: the databases' own schemas and the default schema itself (whose
/// rows would then have two ids each).
fn reserved_schema(name: &str, url: &str) -> Option<&'static str> {
    if matches!(name, "main" | "temp") || name.starts_with("sqlite_") {
        return Some("SQLite's own database names");
    }
    if name == "public" || name == "information_schema" || name.starts_with("pg_") {
        return Some("a schema PostgreSQL reserves or uses by default");
    }
    if matches!(name, "mysql" | "performance_schema" | "sys") {
        return Some("a database MariaDB and MySQL keep for themselves");
    }
    let main_database = url
        .split_once("://")
        .filter(|(scheme, _)| scheme.starts_with("mysql") || scheme.starts_with("mariadb"))
        .and_then(|(_, rest)| rest.split('?').next())
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(_, db)| db);
    if main_database == Some(name) {
        return Some("the database the URL names: the default schema");
    }
    None
}

impl RequestLimits {
    /// How long one request (a whole batch) may run.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// How long a request body may take to arrive.
    pub fn body_timeout(&self) -> Duration {
        Duration::from_millis(self.body_timeout_ms)
    }

    /// How long a client may leave what is sent to it untaken.
    pub fn send_timeout(&self) -> Duration {
        Duration::from_millis(self.send_timeout_ms)
    }

    /// Refuses limits the server cannot honour: async-graphql refuses any
    /// selection nested deeper than 32 (its recursion depth limit), so a
    /// larger depth limit would promise what is never served.
    pub fn validate(&self) -> Result<(), String> {
        if self.send_timeout_ms == 0 {
            return Err("HASONE_SEND_TIMEOUT_MS must be at least 1".into());
        }
        if self.max_depth > hasone_graphql::MAX_DEPTH_CEILING {
            return Err(format!(
                "HASONE_MAX_DEPTH is {}; at most {} is possible",
                self.max_depth,
                hasone_graphql::MAX_DEPTH_CEILING
            ));
        }
        Ok(())
    }
}

/// The defaults, without reading the environment (tests, embedding).
impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: DEFAULT_ADDR.into(),
            database_url: None,
            read_database_url: None,
            schemas: Vec::new(),
            workers: WORKERS,
            cors_origins: Vec::new(),
            allowed_hosts: Vec::new(),
            introspection: true,
            log_format: LogFormat::Text,
            shutdown_timeout_secs: SHUTDOWN_TIMEOUT_SECS,
            limits: RequestLimits {
                max_page_size: MAX_PAGE_SIZE,
                max_depth: MAX_DEPTH,
                max_complexity: MAX_COMPLEXITY,
                max_aliases: MAX_ALIASES,
                max_batch: MAX_BATCH,
                max_body_bytes: MAX_BODY_BYTES,
                request_timeout_ms: REQUEST_TIMEOUT_MS,
                body_timeout_ms: BODY_TIMEOUT_MS,
                max_pending_body_bytes: MAX_PENDING_BODY_BYTES,
                max_connections: MAX_CONNECTIONS,
                max_subscriptions: MAX_SUBSCRIPTIONS,
                send_timeout_ms: SEND_TIMEOUT_MS,
            },
            pool: PoolSettings {
                db_pool_size: DB_POOL_SIZE,
                db_acquire_timeout_ms: DB_ACQUIRE_TIMEOUT_MS,
                db_statement_timeout_ms: DB_STATEMENT_TIMEOUT_MS,
            },
        }
    }
}
