//! The demo server's settings: hasone-actix's, plus the demo data.

use clap::Args;

/// The default database: an SQLite file in the working directory, created
/// on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://hasone.sqlite?mode=rwc";
const SEED_USERS: i32 = 300;

#[derive(Args, Clone, Debug)]
#[group(id = "DemoSettings")]
pub struct Settings {
    #[command(flatten)]
    pub server: hasone_actix::Settings,

    /// Demo users seeded into an empty database at start (0: none).
    #[arg(long, env = "HASONE_SEED_USERS", default_value_t = SEED_USERS)]
    pub seed_users: i32,
}

/// The defaults, without reading the environment (tests, embedding).
impl Default for Settings {
    fn default() -> Self {
        Settings {
            server: hasone_actix::Settings::default(),
            seed_users: SEED_USERS,
        }
    }
}
