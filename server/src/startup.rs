//! The [`Application`]: connects, migrates, seeds, binds its own listener
//! and serves. `main` and every test build it the same way.

use std::net::{SocketAddr, TcpListener};

use actix_cors::Cors;
use actix_web::dev::Server;
pub use actix_web::dev::ServerHandle;
use actix_web::http::{Method, header};
use actix_web::middleware::Condition;
use actix_web::{App, HttpServer, web};

use crate::config::Settings;
use crate::db::{self, Database};
use crate::graphql::{Api, SchemaDeps};
use crate::routes::{self, CSRF_HEADERS};

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

impl Application {
    /// Connects, migrates, seeds an empty database and binds `settings.addr`
    /// (port 0 picks a free port: see [`Application::local_addr`]).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let allowlist = settings
            .allowlist()
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let db = db::connect(&settings).await?;
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
        let listener = TcpListener::bind(&settings.addr).map_err(|source| StartupError::Bind {
            addr: settings.addr.clone(),
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.addr.clone(),
            source,
        })?;
        let api = web::Data::new(api);
        let conn = web::Data::new(db.conn.clone());
        let body_limit = settings.limits.max_body_bytes;
        let origins = settings.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(Condition::new(!origins.is_empty(), cors(&origins)))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(api.clone())
                .app_data(conn.clone())
                .configure(routes::configure)
        })
        .shutdown_timeout(settings.shutdown_timeout_secs);
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
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
