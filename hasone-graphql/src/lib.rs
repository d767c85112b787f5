#![warn(missing_docs)]
//! hasone over async-graphql: a [`Registry`] of an application's SeaORM
//! entities and `hasone::HasOne` associations becomes GraphQL types and
//! fields, mutations, batched loaders and a prefetch, with no resolver
//! written by hand.
//!
//! From one association declared in the registry come:
//! - the has-one field on the source type, with `scope` (and `schema` when
//!   the registry has [`Registry::tenancy`]);
//! - the inverse `belongsTo` field on the target (Sequelize 7 always
//!   creates it);
//! - `set<Source><Assoc>` and `create<Source><Assoc>` with their payloads;
//! - loader keys that name the association (source and name), and the
//!   prefetch's coverage.
//!
//! Every entity gets its object type (columns as fields, `id` a Relay
//! global id, `rowId` the primary key), `create*`/`update*`/`delete*`
//! unless [`Object::without_crud`], and query fields where
//! [`Object::queries`] declares them; `node(id:)` reaches any row.
//!
//! The [`Query`] and [`Mutation`] roots merge into an application's own
//! roots with async-graphql's `MergedObject`; the schema needs [`Shared`]
//! in its data and a [`Loaders`] in each request's, which [`Api`] (the
//! executor, with the request bounds of [`bounds`]) provides.
//! [`guide`] (docs/library.md) walks through adding it to an application.

mod assoc;
pub mod bounds;
mod changes;
mod documents;
pub mod error;
mod execute;
pub mod ids;
pub mod limits;
mod loaders;
pub mod names;
mod ops;
mod prefetch;
mod registry;
mod rules;
mod schema;
mod statements;
pub mod value;

pub use changes::Changes;
pub use error::ApiError;
pub use execute::{Api, Executor, Limits, MAX_DEPTH_CEILING, OperationKind};
pub use ids::IdValue;
pub use loaders::Loaders;
pub use registry::{Check, Object, Registry};
pub use schema::{
    App, Mutation, Query, RootNames, Row, Shared, Subscription, register_types, schema_builder,
};
pub use statements::Statements;
pub use value::EnumSpec;

pub use async_graphql;
pub use hasone;

#[doc = include_str!("../../docs/library.md")]
pub mod guide {}
