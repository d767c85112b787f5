//! Typed settings: defaults, overridden by environment variables, overridden
//! by flags.

use clap::Args;
use entities::tenancy::{Allowlist, InvalidSchemaName};

/// The default database: an SQLite file in the working directory, created
/// on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://hasone.sqlite?mode=rwc";

#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "HASONE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// Database URL: sqlite://, postgres:// or mysql://.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Schemas the `schema` argument may name, comma separated.
    #[arg(long, env = "HASONE_SCHEMAS", value_delimiter = ',')]
    pub schemas: Vec<String>,

    /// Demo users seeded into an empty database at start (0: none).
    #[arg(long, env = "HASONE_SEED_USERS", default_value_t = 300)]
    pub seed_users: i32,

    /// Largest `first` accepted by connections.
    #[arg(long, env = "HASONE_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u64,

    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "HASONE_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Largest database connection pool.
    #[arg(long, env = "HASONE_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: u32,
}

impl Settings {
    /// The validated `schema` allowlist.
    pub fn allowlist(&self) -> Result<Allowlist, InvalidSchemaName> {
        Allowlist::new(&self.schemas)
    }
}
