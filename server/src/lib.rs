//! hasone: SeaORM entities with Sequelize's `hasOne` association, served as
//! an async-graphql schema on actix-web.
//!
//! - [`graphql`]: the schema ([`graphql::build_schema`]), its types and loaders;
//! - [`startup`]: the [`startup::Application`] that binds and serves;
//! - [`config`]: typed settings from flags and environment;
//! - [`db`]: connecting, migrating, seeding, counting statements.

pub mod body;
pub mod cli;
pub mod config;
pub mod db;
pub mod graphiql;
pub mod graphql;
pub mod routes;
pub mod startup;
pub mod telemetry;
