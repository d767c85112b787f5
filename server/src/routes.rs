//! HTTP routes: `/graphql` (POST, GET, GraphiQL), `/health`, `/ready`.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql_actix_web::{GraphQLBatchRequest, GraphQLResponse};
use sea_orm::DatabaseConnection;

use crate::graphql::Api;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get)),
    )
    .route("/health", web::get().to(health))
    .route("/ready", web::get().to(ready));
}

/// POST: a single request or a batch, queries and mutations.
async fn graphql_post(api: web::Data<Api>, req: GraphQLBatchRequest) -> GraphQLResponse {
    api.execute_batch(req.into_inner()).await.into()
}

/// GET: GraphiQL for a browser asking for HTML without a query; otherwise
/// a query (never a mutation: that is `405 Method Not Allowed`).
async fn graphql_get(api: web::Data<Api>, http: HttpRequest) -> HttpResponse {
    if wants_html(&http) && !http.query_string().contains("query=") {
        return crate::graphiql::page();
    }
    let req = match async_graphql::http::parse_query_string(http.query_string()) {
        Ok(req) => req,
        Err(err) => {
            return error_response(StatusCode::BAD_REQUEST, &err.to_string());
        }
    };
    if is_mutation(&req) {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations are only accepted over POST",
        )
        .map_into_boxed_body();
    }
    let resp: GraphQLResponse = api.execute(req).await.into();
    actix_web::Responder::respond_to(resp, &http).map_into_boxed_body()
}

fn wants_html(http: &HttpRequest) -> bool {
    http.method() == Method::GET
        && http
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// Whether the operation a GET would run is a mutation (or subscription).
fn is_mutation(req: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let Ok(doc) = async_graphql::parser::parse_query(&req.query) else {
        return false; // the executor reports the syntax error
    };
    let is_write = |ty: OperationType| ty != OperationType::Query;
    match &doc.operations {
        DocumentOperations::Single(op) => is_write(op.node.ty),
        DocumentOperations::Multiple(ops) => match &req.operation_name {
            Some(name) => ops
                .get(name.as_str())
                .is_some_and(|op| is_write(op.node.ty)),
            None => ops.values().any(|op| is_write(op.node.ty)),
        },
    }
}

fn error_response(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ALLOW, "GET, POST"))
        .json(serde_json::json!({
            "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }]
        }))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database answers.
async fn ready(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })),
        Err(err) => {
            tracing::warn!(error = %err, "database not ready");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}
