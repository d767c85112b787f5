//! SeaORM entities of the hasone demo domain, their migrations, and the
//! generic has-one core ([`has_one`]) that gives any pair of entities
//! Sequelize's `hasOne` association.

pub mod address;
pub mod error;
pub mod has_one;
pub mod migration;
pub mod profile;
pub mod project;
pub mod seed;
pub mod settings;
pub mod tenancy;
pub mod user;

pub use error::Error;
pub use sea_orm;
