//! The [`Application`]: connects, migrates, seeds, binds its own listener
//! and serves. `main` and every test build it the same way.

use std::net::{SocketAddr, TcpListener};

use actix_cors::Cors;
use actix_web::dev::Server;
pub use actix_web::dev::ServerHandle;
use actix_web::http::{Method, header};
use std::time::Duration;

use actix_web::middleware::{Condition, DefaultHeaders};
use actix_web::{App, HttpServer, web};

use crate::body::{BodyLimits, Budget};
use crate::config::Settings;
use crate::db::{self, Database};
use crate::graphql::{Api, SchemaDeps};
use crate::routes::{self, CSRF_HEADERS};

/// How long a client may take to send a request's head (`408` after).
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle keep-alive connection stays open.
const KEEP_ALIVE: Duration = Duration::from_secs(5);
/// File descriptors kept for everything but client connections: the
/// database pool, the listener, logs.
const RESERVED_FDS: u64 = 256;

/// The most client connections per worker: the configured total split
/// over the workers, and below the open-file limit (raised to its hard
/// limit first), so that a flood of sockets makes the server stop
/// accepting (new ones wait in the backlog), never fail to open a file.
fn max_connections_per_worker(total: usize, workers: usize) -> usize {
    let files = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let files = usize::try_from(files.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
    (total.min(files).max(workers) / workers.max(1)).max(1)
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

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

pub struct Application {
    local_addr: SocketAddr,
    server: Server,
    db: Database,
}

/// Everything the HTTP app serves from: the API, how bodies are read, the
/// readiness probe, the CORS origins. Built once; every worker's app (and
/// the fuzz target's) is made from a copy of it by [`AppState::app`].
#[derive(Clone)]
pub struct AppState {
    api: web::Data<Api>,
    body_limits: web::Data<BodyLimits>,
    probe: web::Data<db::Probe>,
    origins: Vec<String>,
}

impl AppState {
    /// Connects, migrates and seeds an empty database; returns the state
    /// and the database.
    pub async fn build(settings: &Settings) -> Result<(Self, Database), StartupError> {
        let allowlist = settings
            .allowlist()
            .map_err(|e| StartupError::Config(e.to_string()))?;
        settings.limits.validate().map_err(StartupError::Config)?;
        let db = db::connect(settings).await?;
        let probe = web::Data::new(db::probe(settings).await?);
        db::migrate(&db.conn, &allowlist).await?;
        if db::seed(&db.conn, settings.seed_users).await? {
            tracing::info!(users = settings.seed_users, "seeded demo data");
        }
        let api = Api::new(SchemaDeps {
            db: db.conn.clone(),
            allowlist,
            limits: settings.limits.clone(),
            introspection: settings.introspection,
        });
        let state = AppState {
            api: web::Data::new(api),
            body_limits: web::Data::new(BodyLimits {
                max_bytes: settings.limits.max_body_bytes,
                timeout: settings.limits.body_timeout(),
                budget: Budget::new(settings.limits.max_pending_body_bytes),
            }),
            probe,
            origins: settings.cors_origins.clone(),
        };
        Ok((state, db))
    }

    /// The actix-web app: routes, CORS, `nosniff`.
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
            .app_data(self.api)
            .app_data(self.body_limits)
            .app_data(self.probe)
            .configure(routes::configure)
    }
}

impl Application {
    /// Connects, migrates, seeds an empty database and binds `settings.addr`
    /// (port 0 picks a free port: see [`Application::local_addr`]).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let (state, db) = AppState::build(&settings).await?;
        let listener = TcpListener::bind(&settings.addr).map_err(|source| StartupError::Bind {
            addr: settings.addr.clone(),
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.addr.clone(),
            source,
        })?;
        let workers = if settings.workers > 0 {
            settings.workers
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        };
        let server = HttpServer::new(move || state.clone().app())
            .workers(workers)
            .max_connections(max_connections_per_worker(
                settings.limits.max_connections,
                workers,
            ))
            .client_request_timeout(HEAD_TIMEOUT)
            .keep_alive(KEEP_ALIVE)
            .shutdown_timeout(settings.shutdown_timeout_secs);
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Bind {
                addr: settings.addr.clone(),
                source,
            })?
            .run();
        Ok(Application {
            local_addr,
            server,
            db,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The database, with its statement counter.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Serves until SIGINT/SIGTERM, finishing in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
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
