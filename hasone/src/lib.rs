#![warn(missing_docs)]
//! Sequelize's `hasOne` for any pair of SeaORM entities.
//!
//! `Company.hasOne(Ceo)` is one declaration:
//!
//! ```
//! # mod company { use sea_orm::entity::prelude::*;
//! #   #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//! #   #[sea_orm(table_name = "companies")]
//! #   pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub name: String }
//! #   #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)] pub enum Relation {}
//! #   impl ActiveModelBehavior for ActiveModel {} }
//! # mod ceo { use sea_orm::entity::prelude::*;
//! #   #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
//! #   #[sea_orm(table_name = "ceos")]
//! #   pub struct Model { #[sea_orm(primary_key)] pub id: i32, pub company_id: Option<i32>, pub name: String }
//! #   #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)] pub enum Relation {}
//! #   impl ActiveModelBehavior for ActiveModel {} }
//! use hasone::HasOne;
//!
//! /// `Company.hasOne(Ceo, { foreignKey: 'company_id' })`.
//! pub const CEO: HasOne<company::Entity, ceo::Entity> =
//!     HasOne::new("ceo", company::Column::Id, ceo::Column::CompanyId);
//! ```
//!
//! and gives, with Sequelize's semantics and hasone's strictness:
//! - `getAssociation` batched: [`load`] resolves the targets of many source
//!   keys with one `SELECT` per (association, model scopes, schema);
//! - `setAssociation`: [`HasOne::set`] (its own transaction, retried on
//!   deadlocks) or [`HasOne::set_in`] (the caller's transaction);
//! - `createAssociation`: [`HasOne::create`] / [`HasOne::create_in`];
//! - what deleting a source or changing its key does to tenant rows where
//!   the database has no foreign key ([`TenantCascade`]).
//!
//! Model scopes (Sequelize's `defaultScope` and `scopes`) are declared once
//! per target as [`Scopes`] and turned into [`Conditions`] per request.
//! Where Sequelize is lax, hasone is strict: `set` and `create` lock the
//! source row and run in one transaction, an unknown source or target id
//! is an error, and at most one target is ever linked (the foreign key has
//! a unique index, see the migrations of the examples).
//!
//! This crate depends on SeaORM only; `hasone-graphql` exposes it over
//! GraphQL.

mod association;
mod cascade;
pub mod error;
mod key;
mod link;
mod load;
mod nullable_key;
mod scope;
mod table;
pub mod tenancy;

pub use association::{HasOne, OnDelete};
pub use cascade::TenantCascade;
pub use error::Error;
pub use key::{Key, KeyHasher, KeyMap, Lookup, normalise};
pub use link::{ATTEMPTS, Linked, begin_write, retrying};
pub use load::{Loaded, load};
pub use nullable_key::NullableKey;
pub use scope::{Conditions, NamedScope, ScopeRef, ScopeValue, Scopes, UnknownScope};
pub use table::{Id, find_by_id, pk_column, pk_value, table};

pub use sea_orm;
