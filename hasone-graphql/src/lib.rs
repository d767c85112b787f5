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
//! unless [`Exposed::without_crud`], and query fields where
//! [`Exposed::queries`] declares them; `node(id:)` reaches any row.
//!
//! An [`App`] declares its registry once. The [`Queries`], [`Mutations`]
//! and [`Subscriptions`] roots merge into an application's own roots with
//! async-graphql's `MergedObject` (or serve as roots themselves); the
//! schema holds nothing of hasone's, so its SDL prints without a
//! database. [`Api::builder`] takes the schema and the pool once and runs
//! every request with its own loaders, within the request bounds of
//! [`bounds`]. hasone-actix's `guide` (docs/library.md) walks through
//! adding it to an application.

mod app;
mod assoc;
pub mod bounds;
mod changes;
mod context;
mod documents;
pub mod error;
mod execute;
pub mod ids;
mod keyless;
pub mod limits;
mod loaders;
mod model;
pub mod names;
mod ops;
mod prefetch;
mod registry;
mod rules;
mod schema;
mod snapshot;
mod statements;
pub mod value;

pub use app::{App, RootNames};
pub use changes::Changes;
pub use error::ApiError;
pub use execute::{Api, ApiBuilder, BuildError, Limits, MAX_DEPTH_CEILING, OperationKind};
pub use ids::IdValue;
pub use registry::{Check, Exposed, Registry};
pub use schema::{Mutations, Queries, Row, Subscriptions, register_types};
pub use statements::Statements;
pub use value::EnumSpec;

pub use async_graphql;
pub use hasone;
