//! The hasone demo domain: SeaORM entities, their has-one associations
//! (declared next to the source, `user.rs`), migrations and seed data.
//! Nothing here knows GraphQL: the server registers these with
//! `hasone-graphql` like any application would.

pub mod address;
pub mod migration;
pub mod profile;
pub mod project;
pub mod seed;
pub mod settings;
pub mod user;

pub use sea_orm;
