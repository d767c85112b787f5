//! The HTTP server: [`AppState`] (everything the routes serve from) and the
//! actix-web [`App`] it makes, and [`Application`], which binds a listener
//! and serves it with hasone's connection limits.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
pub use actix_web::dev::ServerHandle;
use actix_web::http::{Method, header};
use actix_web::middleware::{Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};
use hasone_graphql::Api;

use crate::body::{BodyLimits, Budget};
use crate::db::{Pool, Probe};
use crate::error::StartupError;
use crate::graphiql::Graphiql;
use crate::hosts::AllowedHosts;
use crate::routes::{self, CSRF_HEADERS};
use crate::settings::Settings;
use crate::ws::WsLimits;

/// How long a client may take to send a request's head (`408` after).
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle keep-alive connection stays open.
const KEEP_ALIVE: Duration = Duration::from_secs(5);
/// File descriptors kept for everything but client connections: the
/// database pool, the listener, logs.
const RESERVED_FDS: u64 = 256;

/// The most client connections per worker (actix-web counts them per
/// worker): the process's total split over the workers, rounded up, so
/// that the workers together take at least `total` (rounded down, `3` over
/// two workers allowed `2`, and two stuck connections could hold both
/// workers); and below the open-file limit (raised to its hard limit
/// first), so that a flood of sockets makes the server stop accepting (new
/// ones wait in the backlog), never fail to open a file.
fn max_connections_per_worker(total: usize, workers: usize) -> usize {
    let files = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let files = usize::try_from(files.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
    per_worker(total, files, workers)
}

/// `total` over `workers`, rounded up, within `files` over `workers`.
fn per_worker(total: usize, files: usize, workers: usize) -> usize {
    let workers = workers.max(1);
    total.div_ceil(workers).min(files / workers).max(1)
}

/// CORS for the configured origins: GET and POST with the headers GraphQL
/// clients send.
fn cors(origins: &[String]) -> Cors {
    let mut headers = vec![
        header::CONTENT_TYPE,
        header::ACCEPT,
        header::HeaderName::from_static("x-request-id"),
    ];
    headers.extend(
        CSRF_HEADERS
            .iter()
            .map(|h| header::HeaderName::from_static(h)),
    );
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::POST])
        .allowed_headers(headers)
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(3600)
}

/// Everything the routes serve from: the API, how bodies are read, the
/// readiness probe, GraphiQL, the CORS origins. Every worker's app (and a
/// fuzz target's) is made from a copy by [`AppState::app`].
#[derive(Clone)]
pub struct AppState {
    api: web::Data<Api>,
    body_limits: web::Data<BodyLimits>,
    probe: web::Data<Probe>,
    graphiql: web::Data<Graphiql>,
    ws_limits: web::Data<WsLimits>,
    hosts: web::Data<AllowedHosts>,
    origins: Arc<[String]>,
}

impl AppState {
    /// The state of a server of `schema` (the application's roots, with
    /// data of its own if it has some) over `pool`: the [`Api`] built with
    /// the settings' limits and the pool's allowlist and read replica,
    /// changes published from the pool, readiness asked of the pool's
    /// probe.
    pub async fn build<Q, M, S>(
        settings: &Settings,
        pool: &Pool,
        schema: SchemaBuilder<Q, M, S>,
        graphiql: Graphiql,
    ) -> Result<Self, StartupError>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static,
    {
        let mut api = Api::builder(schema, pool.conn.clone())
            .limits(settings.graphql_limits())
            .allowlist(pool.allowlist().clone());
        if let Some(replica) = pool.replica() {
            api = api.read_replica(replica.clone());
        }
        let api = api.build().await?;
        Ok(AppState::new(settings, api, pool.probe().clone(), graphiql))
    }

    /// The state of a server of an [`Api`] built by hand, readiness asked
    /// of `probe` (the [`Pool`]'s).
    pub fn new(settings: &Settings, api: Api, probe: Probe, graphiql: Graphiql) -> Self {
        AppState {
            api: web::Data::new(api),
            body_limits: web::Data::new(BodyLimits {
                max_bytes: settings.limits.max_body_bytes,
                timeout: settings.limits.body_timeout(),
                budget: Budget::new(settings.limits.max_pending_body_bytes),
            }),
            probe: web::Data::new(probe),
            graphiql: web::Data::new(graphiql),
            ws_limits: web::Data::new(WsLimits {
                max_message_bytes: settings.limits.max_body_bytes,
                max_operations: settings.limits.max_subscriptions,
                send_timeout: settings.limits.send_timeout(),
                origins: settings.cors_origins.clone().into(),
                stopping: crate::ws::Stopping::default(),
            }),
            hosts: web::Data::new(AllowedHosts::new(&settings.allowed_hosts, &settings.addr)),
            origins: settings.cors_origins.clone().into(),
        }
    }

    /// The API requests run through.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// The actix-web app: `/graphql` (POST, GET, GraphiQL), `/health`,
    /// `/ready`, CORS, `nosniff`, and before all of them the `Host` check
    /// ([`crate::hosts`]).
    pub fn app(
        self,
    ) -> App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            .wrap(Condition::new(
                !self.origins.is_empty(),
                cors(&self.origins),
            ))
            .wrap(DefaultHeaders::new().add(("x-content-type-options", "nosniff")))
            .wrap(from_fn(crate::hosts::guard))
            .app_data(self.api)
            .app_data(self.body_limits)
            .app_data(self.probe)
            .app_data(self.graphiql)
            .app_data(self.ws_limits)
            .app_data(self.hosts)
            .configure(routes::configure)
    }
}

/// A bound, running server.
pub struct Application {
    local_addr: SocketAddr,
    server: Server,
    /// Tells the WebSocket connections the server is stopping.
    stopping: crate::ws::Stopping,
}

impl Application {
    /// Binds `settings.addr` (port 0 picks a free port: see
    /// [`Application::local_addr`]) and starts serving `state` with
    /// hasone's connection limits and timeouts (a client that leaves what
    /// is sent to it untaken for `HASONE_SEND_TIMEOUT_MS` is dropped); it
    /// runs once awaited
    /// ([`Application::run_until_stopped`]) or spawned.
    pub fn bind(settings: &Settings, state: AppState) -> Result<Self, StartupError> {
        settings.limits.validate().map_err(StartupError::Config)?;
        let bind_error = |source| StartupError::Bind {
            addr: settings.addr.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.addr).map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let workers = if settings.workers > 0 {
            settings.workers
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        let stopping = state.ws_limits.stopping.clone();
        let send_timeout = settings.limits.send_timeout();
        let server = HttpServer::new(move || state.clone().app())
            .on_connect(crate::socket::on_connect(send_timeout))
            .workers(workers)
            .max_connections(max_connections_per_worker(
                settings.limits.max_connections,
                workers,
            ))
            .client_request_timeout(HEAD_TIMEOUT)
            .keep_alive(KEEP_ALIVE)
            .shutdown_timeout(settings.shutdown_timeout_secs)
            .listen(listener)
            .map_err(bind_error)?
            .run();
        Ok(Application {
            local_addr,
            server,
            stopping,
        })
    }

    /// The address bound (the port chosen when the setting asks for 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until SIGINT/SIGTERM, finishing in-flight requests; open
    /// WebSockets are closed (`1001`) when the signal comes, so that they
    /// do not hold the shutdown for its whole timeout.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stopping = self.stopping.clone();
        let watcher = tokio::spawn(async move {
            stopping.on_signal().await;
        });
        let served = self.server.await;
        watcher.abort();
        served
    }

    /// A handle to stop the server (tests).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// The server future, to spawn (tests).
    pub fn into_server(self) -> Server {
        self.server
    }
}

#[cfg(test)]
mod tests {
    use super::per_worker;

    #[test]
    fn the_workers_together_take_at_least_the_total() {
        assert_eq!(per_worker(3, 1 << 20, 2), 2);
        assert_eq!(per_worker(4, 1 << 20, 2), 2);
        assert_eq!(per_worker(1, 1 << 20, 4), 1);
        assert_eq!(per_worker(4096, 1 << 20, 3), 1366);
        // The open files bound the share from above, rounded down.
        assert_eq!(per_worker(4096, 1000, 3), 333);
        assert_eq!(per_worker(0, 0, 0), 1);
    }
}
