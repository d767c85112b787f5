#![warn(missing_docs)]
//! hasone's HTTP layer on actix-web, for any hasone application:
//!
//! - [`routes`]: `/graphql` (POST JSON requests and batches; GET queries,
//!   never mutations; GraphiQL for browsers), `/health`, `/ready`; CSRF
//!   prevention as Apollo Server's; GraphQL-over-HTTP media types and
//!   status codes; request ids;
//! - [`body`]: bodies read within a size, a time and a shared memory
//!   budget;
//! - [`ws`]: GraphQL over WebSocket (`graphql-transport-ws`) on
//!   `/graphql`, for subscriptions, with its own bounds;
//! - [`graphiql`]: the GraphiQL page, bundled and embedded (no CDN);
//! - [`hosts`]: the `Host` names the server answers to (DNS rebinding);
//! - [`server`]: the app factory ([`AppState::app`]) and the bound server
//!   ([`Application`]) with connection limits and timeouts;
//! - [`settings`]: every setting as a flag and an environment variable;
//! - [`db`]: [`Pool`], the database opened once from the settings' URL
//!   (the pool with its timeouts and statement counter, the read replica,
//!   the readiness probe); [`telemetry`]: logs.
//!
//! Serving an application is three calls after its migrations:
//! [`Pool::open`], [`AppState::build`], [`Application::bind`]; the
//! [`guide`] (docs/library.md) shows them in a whole program.

pub mod body;
pub mod db;
mod error;
pub mod graphiql;
pub mod hosts;
mod reply;
pub mod routes;
pub mod server;
pub mod settings;
mod socket;
pub mod telemetry;
pub mod ws;

pub use db::Pool;
pub use error::StartupError;
pub use graphiql::Graphiql;
pub use server::{AppState, Application, ServerHandle};
pub use settings::{LogFormat, Settings};

#[doc = include_str!("../../docs/library.md")]
pub mod guide {}
