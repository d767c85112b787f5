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

use hasone_actix::{AppState, Application, Graphiql, Pool, Settings, StartupError};
use sea_orm_migration::MigratorTrait;

/// The default database: an SQLite file next to where it runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://companies.sqlite?mode=rwc";

/// Connects, migrates, seeds an empty database and binds: ready to run.
pub async fn start(settings: &Settings) -> Result<(Application, Pool), StartupError> {
    let pool = Pool::open(settings, DEFAULT_DATABASE_URL).await?;
    migration::Migrator::up(&pool.conn, None).await?;
    seed::seed(&pool.conn).await?;
    let graphiql = Graphiql::new("companies").tab(
        "{\n  companies(first: 5) {\n    edges { node { code name ceo { name } headOffice { street } address { street } } }\n  }\n  countries(first: 5) {\n    edges { node { code capital { name } address { street } } }\n  }\n}\n",
    );
    let state = AppState::build(settings, &pool, app::schema(), graphiql).await?;
    Ok((Application::bind(settings, state)?, pool))
}
