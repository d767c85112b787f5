//! seaography over the bench database for bench/run: POST /graphql.
//!
//! Environment: DATABASE_URL, ADDR (127.0.0.1:8000), POOL_SIZE (32). One
//! actix-web HTTP worker per core, one SeaORM pool shared by all workers.
use std::sync::LazyLock;

use actix_web::{web, App, HttpResponse, HttpServer};
use async_graphql::dynamic::Schema;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use seaography::{Builder, BuilderContext};

mod entities;
use entities::*;

static CONTEXT: LazyLock<BuilderContext> = LazyLock::new(BuilderContext::default);

fn schema(db: DatabaseConnection) -> Schema {
    let mut builder = Builder::new(&CONTEXT, db.clone());
    seaography::register_entities!(builder, [users, profiles, addresses, projects, settings]);
    builder
        .schema_builder()
        .data(db)
        .finish()
        .expect("the seaography schema builds")
}

async fn graphql(schema: web::Data<Schema>, body: web::Bytes) -> HttpResponse {
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return HttpResponse::BadRequest().body(format!("bad request body: {e}")),
    };
    let response = schema.execute(request).await;
    HttpResponse::Ok()
        .content_type("application/json")
        .body(serde_json::to_vec(&response).expect("a response serializes"))
}

fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8000".into());
    let pool: u32 = std::env::var("POOL_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(32);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    actix_web::rt::System::new().block_on(async move {
        let mut opts = ConnectOptions::new(url);
        opts.max_connections(pool).min_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await.expect("database connection");
        let schema = web::Data::new(schema(db));
        eprintln!("seaography listening on http://{addr}/graphql ({workers} workers, pool {pool})");
        HttpServer::new(move || {
            App::new()
                .app_data(schema.clone())
                .app_data(web::PayloadConfig::new(1 << 20))
                .route("/graphql", web::post().to(graphql))
        })
        .workers(workers)
        .bind(&addr)?
        .run()
        .await
    })
}
