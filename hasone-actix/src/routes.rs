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

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, BatchResponse, Response, ServerError, Value as ConstValue};
use serde::Serialize;
use serde_json::json;

use hasone_graphql::error::REQUEST_ERROR_CODES;
use hasone_graphql::{Api, OperationKind};

use crate::body::{self, BodyError, BodyLimits};
use crate::db::Probe;
use crate::graphiql::Graphiql;
use crate::reply::{
    GRAPHQL_RESPONSE_JSON, header_str, refuse, request_id, wants_graphql_response_json,
};

/// Headers that prove a request was preflighted (or sent by a non-browser).
pub const CSRF_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
];

/// Mounts `/graphql` (POST, GET; other methods `405`), `/health` and
/// `/ready`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(
                web::get()
                    .guard(actix_web::guard::fn_guard(crate::ws::is_upgrade))
                    .to(crate::ws::upgrade),
            )
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get)),
    )
    .route("/health", web::get().to(health))
    .route("/ready", web::get().to(ready));
    cfg.configure(crate::graphiql::configure);
}

/// POST: a single request or a batch, queries and mutations.
async fn graphql_post(
    api: web::Data<Api>,
    limits: web::Data<BodyLimits>,
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let id = request_id(&http);
    if !is_json(&http) {
        return refuse(
            &http,
            &id,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON with `content-type: application/json`",
        );
    }
    let body = match body::read(&http, payload, &limits).await {
        Ok(body) => body,
        Err(err) => {
            let status = match err {
                BodyError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                BodyError::TimedOut { .. } => StatusCode::REQUEST_TIMEOUT,
                BodyError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                BodyError::Broken => StatusCode::BAD_REQUEST,
            };
            let mut resp = refuse(&http, &id, status, &err.message());
            if err == BodyError::Busy {
                resp.headers_mut().insert(
                    header::RETRY_AFTER,
                    header::HeaderValue::from_static(RETRY_AFTER_SECS),
                );
            }
            return resp;
        }
    };
    let batch = match parse_body(&body) {
        Ok(batch) => batch,
        Err(message) => return refuse(&http, &id, StatusCode::BAD_REQUEST, &message),
    };
    tracing::debug!(request_id = %id, method = "POST", "executing");
    let response = api.execute_batch(batch, &id).await;
    respond(&http, &id, response)
}

/// A request (a JSON object) or a batch (an array of them). Messages name
/// what the client sent wrong, never an internal type.
fn parse_body(body: &[u8]) -> Result<BatchRequest, String> {
    const SHAPE: &str = "a GraphQL request is a JSON object with a string `query` and optional `variables`, `operationName` and `extensions`; a batch is an array of such objects";
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let parsed = match first {
        Some(b'[') => {
            serde_json::from_slice::<Vec<async_graphql::Request>>(body).map(BatchRequest::Batch)
        }
        Some(b'{') => {
            serde_json::from_slice::<async_graphql::Request>(body).map(BatchRequest::Single)
        }
        None => return Err(format!("the body is empty: {SHAPE}")),
        Some(_) => return Err(format!("the body is not a request: {SHAPE}")),
    };
    let batch = parsed.map_err(|err| match err.classify() {
        serde_json::error::Category::Data => format!(
            "the body is not a request (line {}, column {}): {SHAPE}",
            err.line(),
            err.column()
        ),
        _ => format!("the body is not valid JSON: {err}"),
    })?;
    let requests = match &batch {
        BatchRequest::Single(one) => std::slice::from_ref(one),
        BatchRequest::Batch(all) => all.as_slice(),
    };
    if requests.iter().any(|r| r.query.trim().is_empty()) {
        return Err(format!(
            "a request has no `query` (or an empty one): {SHAPE}"
        ));
    }
    Ok(batch)
}

/// GET: GraphiQL for a browser asking for HTML without a query; otherwise
/// a query (never a mutation). The CSRF check comes before anything reads
/// the document, so a cross-site `<img src=…>` costs nothing.
async fn graphql_get(
    api: web::Data<Api>,
    graphiql: web::Data<Graphiql>,
    http: HttpRequest,
) -> HttpResponse {
    if wants_html(&http) && !http.query_string().contains("query=") {
        return crate::graphiql::page(&graphiql);
    }
    let id = request_id(&http);
    if !has_csrf_header(&http) {
        return refuse(&http, &id, StatusCode::BAD_REQUEST, CSRF_MESSAGE);
    }
    let mut request = match async_graphql::http::parse_query_string(http.query_string()) {
        Ok(request) if request.query.trim().is_empty() => {
            let message = "the `query` parameter is missing or empty";
            return refuse(&http, &id, StatusCode::BAD_REQUEST, message);
        }
        Ok(request) => request,
        Err(err) => return refuse(&http, &id, StatusCode::BAD_REQUEST, &err.to_string()),
    };
    match api.prepare(&mut request) {
        Ok(OperationKind::Subscription) => refuse(
            &http,
            &id,
            StatusCode::BAD_REQUEST,
            "subscriptions are served over a WebSocket on this path (graphql-transport-ws), not over GET or POST",
        ),
        Ok(OperationKind::Write) => {
            let message = "mutations are only accepted over POST";
            let mut resp = refuse(&http, &id, StatusCode::METHOD_NOT_ALLOWED, message);
            resp.headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            resp
        }
        // Refused documents are answered by `execute` (same codes, log line).
        Ok(OperationKind::Query) | Err(_) => {
            tracing::debug!(request_id = %id, method = "GET", "executing");
            let response = api.execute(request, &id).await;
            respond(&http, &id, BatchResponse::Single(response))
        }
    }
}

const CSRF_MESSAGE: &str = "a GET request could have been sent by another site (CSRF): add a `graphql-require-preflight: 1` header, or POST it as JSON";

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

/// Serializes a response. A request refused before execution has no
/// `data`, and with `application/graphql-response+json` a `400`. A
/// request the database could not serve at all (no data, every error
/// `UNAVAILABLE`) has no `data` either, and a `503` for those clients; any
/// `UNAVAILABLE` error adds `Retry-After`.
fn respond(http: &HttpRequest, id: &str, response: BatchResponse) -> HttpResponse {
    let graphql_json = wants_graphql_response_json(http);
    let (serialized, outcome, unavailable) = match &response {
        BatchResponse::Single(one) => {
            let outcome = Outcome::of(one);
            (
                serde_json::to_vec(&Body::of(one, outcome)),
                outcome,
                has_code(one, UNAVAILABLE),
            )
        }
        BatchResponse::Batch(all) => {
            let bodies: Vec<Body<'_>> = all.iter().map(|r| Body::of(r, Outcome::of(r))).collect();
            let unavailable = all.iter().any(|r| has_code(r, UNAVAILABLE));
            (serde_json::to_vec(&bodies), Outcome::Executed, unavailable)
        }
    };
    let body = match serialized {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize a response");
            return HttpResponse::InternalServerError().finish();
        }
    };
    let status = match outcome {
        Outcome::Refused if graphql_json => StatusCode::BAD_REQUEST,
        Outcome::Unavailable if graphql_json => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    };
    let mut builder = HttpResponse::build(status);
    builder
        .content_type(if graphql_json {
            GRAPHQL_RESPONSE_JSON
        } else {
            "application/json"
        })
        .insert_header(("x-request-id", id));
    if unavailable {
        builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
    }
    builder.body(body)
}

/// The code of errors the database could not serve (down, or no free
/// connection in time).
const UNAVAILABLE: &str = "UNAVAILABLE";
/// What `Retry-After` says when the database is unavailable: the pool
/// reconnects by itself, a second later is a fair first retry.
const RETRY_AFTER_SECS: &str = "1";

/// How a response is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Executed,
    /// Refused before execution: no `data` key.
    Refused,
    /// Nothing could be read: no `data`, every error `UNAVAILABLE`.
    Unavailable,
}

impl Outcome {
    fn of(response: &Response) -> Self {
        if is_refused(response) {
            Outcome::Refused
        } else if response.data == ConstValue::Null
            && !response.errors.is_empty()
            && response
                .errors
                .iter()
                .all(|e| code_of(e) == Some(UNAVAILABLE))
        {
            Outcome::Unavailable
        } else {
            Outcome::Executed
        }
    }
}

/// One response as sent: serialized straight from async-graphql's values.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Executed(&'a Response),
    /// No `data` key at all.
    ErrorsOnly {
        errors: &'a [ServerError],
    },
}

impl<'a> Body<'a> {
    fn of(response: &'a Response, outcome: Outcome) -> Self {
        match outcome {
            Outcome::Executed => Body::Executed(response),
            Outcome::Refused | Outcome::Unavailable => Body::ErrorsOnly {
                errors: &response.errors,
            },
        }
    }
}

fn code_of(err: &ServerError) -> Option<&str> {
    match err.extensions.as_ref()?.get("code")? {
        ConstValue::String(code) => Some(code),
        _ => None,
    }
}

fn has_code(response: &Response, code: &str) -> bool {
    response.errors.iter().any(|e| code_of(e) == Some(code))
}

/// Whether every error of `response` refuses the request before execution.
fn is_refused(response: &Response) -> bool {
    !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e| code_of(e).is_some_and(|c| REQUEST_ERROR_CODES.contains(&c)))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready when the database answers, on a connection of its own.
async fn ready(probe: web::Data<Probe>) -> HttpResponse {
    let (primary, replica) = probe.ping().await;
    let state = |name: &str, result: &Result<(), String>| match result {
        Ok(()) => "ready",
        Err(err) => {
            tracing::warn!(error = %err, database = name, "database not ready");
            "unavailable"
        }
    };
    let mut body = json!({ "status": "ready", "primary": state("primary", &primary) });
    if let Some(replica) = &replica {
        body["replica"] = json!(state("replica", replica));
    }
    if primary.is_ok() && replica.as_ref().is_none_or(Result::is_ok) {
        HttpResponse::Ok().json(body)
    } else {
        body["status"] = json!("unavailable");
        HttpResponse::ServiceUnavailable().json(body)
    }
}
