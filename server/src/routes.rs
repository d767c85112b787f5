//! HTTP routes: `/graphql` (POST, GET, GraphiQL), `/health`, `/ready`.
//!
//! GraphQL over HTTP: POST bodies are JSON (`content-type:
//! application/json`, else `415`), a request or a batch, up to
//! `HASONE_MAX_BODY_BYTES`; GET runs queries only (a mutation is `405`).
//! CSRF prevention as Apollo Server's `csrfPrevention`: a GET must carry a
//! non-empty `graphql-require-preflight` (or Apollo's
//! `apollo-require-preflight` / `x-apollo-operation-name`) header; a POST
//! with a content type a browser may send cross-site without a preflight is
//! refused whatever its headers, since only JSON is accepted.
//! Answers are `application/graphql-response+json` when the client accepts
//! it (requests refused before execution then get `400`), otherwise
//! `application/json` with `200`.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, BatchResponse, Response, ServerError, Value as ConstValue};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;

use crate::graphql::Api;
use crate::graphql::error::REQUEST_ERROR_CODES;

/// Headers that prove a request was preflighted (or sent by a non-browser).
pub const CSRF_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
];

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get)),
    )
    .route("/health", web::get().to(health))
    .route("/ready", web::get().to(ready));
    cfg.configure(crate::graphiql::configure);
}

/// POST: a single request or a batch, queries and mutations.
async fn graphql_post(api: web::Data<Api>, http: HttpRequest, body: web::Bytes) -> HttpResponse {
    let id = request_id(&http);
    if !is_json(&http) {
        return refuse(
            &http,
            &id,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON with `content-type: application/json`",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(err) => {
            let message = format!("the body is not a GraphQL request in JSON: {err}");
            return refuse(&http, &id, StatusCode::BAD_REQUEST, &message);
        }
    };
    let response = api.execute_batch(batch, &id).await;
    respond(&http, &id, response)
}

/// GET: GraphiQL for a browser asking for HTML without a query; otherwise
/// a query (never a mutation).
async fn graphql_get(api: web::Data<Api>, http: HttpRequest) -> HttpResponse {
    if wants_html(&http) && !http.query_string().contains("query=") {
        return crate::graphiql::page();
    }
    let id = request_id(&http);
    let request = match async_graphql::http::parse_query_string(http.query_string()) {
        Ok(request) => request,
        Err(err) => return refuse(&http, &id, StatusCode::BAD_REQUEST, &err.to_string()),
    };
    if is_mutation(&request) {
        let mut resp = refuse(
            &http,
            &id,
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations are only accepted over POST",
        );
        resp.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return resp;
    }
    if !has_csrf_header(&http) {
        return refuse(&http, &id, StatusCode::BAD_REQUEST, CSRF_MESSAGE);
    }
    let response = api.execute(request, &id).await;
    respond(&http, &id, BatchResponse::Single(response))
}

const CSRF_MESSAGE: &str = "a GET request could have been sent by another site (CSRF): add a `graphql-require-preflight: 1` header, or POST it as JSON";

fn header_str(http: &HttpRequest, name: impl header::AsHeaderName) -> Option<&str> {
    http.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `application/json` (or the GraphQL response type): a content type a
/// browser preflights cross-site.
fn is_json(http: &HttpRequest) -> bool {
    header_str(http, header::CONTENT_TYPE).is_some_and(|ct| {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        essence == "application/json" || essence == GRAPHQL_RESPONSE_JSON
    })
}

fn has_csrf_header(http: &HttpRequest) -> bool {
    CSRF_HEADERS
        .iter()
        .any(|name| header_str(http, *name).is_some_and(|v| !v.trim().is_empty()))
}

fn wants_html(http: &HttpRequest) -> bool {
    http.method() == Method::GET
        && header_str(http, header::ACCEPT).is_some_and(|v| v.contains("text/html"))
}

fn wants_graphql_response_json(http: &HttpRequest) -> bool {
    header_str(http, header::ACCEPT).is_some_and(|v| v.contains(GRAPHQL_RESPONSE_JSON))
}

/// The client's `x-request-id` when it is short and plain, else a new one.
fn request_id(http: &HttpRequest) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    if let Some(id) = header_str(http, "x-request-id")
        && !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return id.to_owned();
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!("{nanos:x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
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

/// An answer refusing the request before execution.
fn refuse(http: &HttpRequest, id: &str, status: StatusCode, message: &str) -> HttpResponse {
    let body = json!({
        "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST", "requestId": id } }]
    });
    let content_type = if wants_graphql_response_json(http) {
        GRAPHQL_RESPONSE_JSON
    } else {
        "application/json"
    };
    HttpResponse::build(status)
        .content_type(content_type)
        .insert_header(("x-request-id", id))
        .body(body.to_string())
}

/// Serializes a response; a request refused before execution has no
/// `data`, and with `application/graphql-response+json` a `400`.
fn respond(http: &HttpRequest, id: &str, response: BatchResponse) -> HttpResponse {
    let graphql_json = wants_graphql_response_json(http);
    let (serialized, refused) = match &response {
        BatchResponse::Single(one) => {
            let body = Body::of(one);
            let refused = matches!(body, Body::Refused { .. });
            (serde_json::to_vec(&body), refused)
        }
        BatchResponse::Batch(all) => {
            let bodies: Vec<Body<'_>> = all.iter().map(Body::of).collect();
            (serde_json::to_vec(&bodies), false)
        }
    };
    let body = match serialized {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize a response");
            return HttpResponse::InternalServerError().finish();
        }
    };
    let status = if graphql_json && refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    HttpResponse::build(status)
        .content_type(if graphql_json {
            GRAPHQL_RESPONSE_JSON
        } else {
            "application/json"
        })
        .insert_header(("x-request-id", id))
        .body(body)
}

/// One response as sent: serialized straight from async-graphql's values.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Executed(&'a Response),
    /// Refused before execution: no `data` key at all.
    Refused {
        errors: &'a [ServerError],
    },
}

impl<'a> Body<'a> {
    fn of(response: &'a Response) -> Self {
        if is_refused(response) {
            Body::Refused {
                errors: &response.errors,
            }
        } else {
            Body::Executed(response)
        }
    }
}

/// Whether every error of `response` refuses the request before execution.
fn is_refused(response: &Response) -> bool {
    !response.errors.is_empty()
        && response.errors.iter().all(|e| {
            e.extensions
                .as_ref()
                .and_then(|ext| ext.get("code"))
                .is_some_and(|code| {
                    matches!(code, ConstValue::String(c) if REQUEST_ERROR_CODES.contains(&c.as_str()))
                })
        })
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready when the database answers.
async fn ready(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(err) => {
            tracing::warn!(error = %err, "database not ready");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
        }
    }
}
