//! An application of hasone's public API alone: nine SeaORM entities,
//! seven has-one associations, one registry ([`app`]), served by
//! hasone-actix ([`start`]).
//!
//! - `Company.hasOne(Ceo)`: UUID keys, a `NOT NULL` foreign key;
//! - `Country.hasOne(Capital)`: a text primary key, 64-bit target keys;
//! - `Company.hasOne(Address, { as: 'headOffice', scope: { kind: 'head' } })`,
//!   and `address` twice, on `Company` and on `Country`, both with
//!   `kind = 'mail'`: one target type, one association name, two sources;
//! - `Site.hasOne(Meter)`: `u16` and `u32` keys as sea-orm-codegen writes
//!   them for MySQL (`SMALLINT UNSIGNED`, `INT UNSIGNED`), a `u32` foreign
//!   key to a `u16` source key;
//! - `Desk.hasOne(Lamp)`: `i16` keys.

pub mod app;
pub mod entities;
pub mod migration;
pub mod seed;

use hasone_actix::db::{self, Database};
use hasone_actix::{AppState, Application, Graphiql, Settings, StartupError};
use hasone_graphql::{Api, Changes, Shared};
use sea_orm_migration::MigratorTrait;

/// The default database: an SQLite file next to where it runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://companies.sqlite?mode=rwc";

/// Connects, migrates, seeds an empty database and binds: ready to run.
pub async fn start(settings: &Settings) -> Result<(Application, Database), StartupError> {
    let url = settings.database_url_or(DEFAULT_DATABASE_URL);
    let allowlist = settings
        .allowlist(&url)
        .map_err(|e| StartupError::Config(e.to_string()))?;
    let db = db::connect(settings, &url, &allowlist).await?;
    migration::Migrator::up(&db.conn, None).await?;
    seed::seed(&db.conn).await?;
    let limits = settings.graphql_limits();
    let shared = Shared {
        db: db.conn.clone(),
        allowlist,
        max_page_size: limits.max_page_size,
        changes: Changes::start(&db.conn).await?,
    };
    let api = Api::new(app::schema(shared, &limits), db.conn.clone(), limits);
    let probe = db::probe(&url).await?;
    let graphiql = Graphiql::new("companies").tab(
        "{\n  companies(first: 5) {\n    edges { node { code name ceo { name } headOffice { street } address { street } } }\n  }\n  countries(first: 5) {\n    edges { node { code capital { name } address { street } } }\n  }\n}\n",
    );
    let state = AppState::new(settings, api, probe, graphiql);
    Ok((Application::bind(settings, state)?, db))
}
