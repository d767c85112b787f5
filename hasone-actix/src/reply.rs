//! What every route answers with: the request id, the media type the
//! client accepts, and the answer that refuses a request before it runs
//! (`routes`, the WebSocket upgrade and the `Host` check share them).

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// The GraphQL-over-HTTP media type of answers.
pub(crate) const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// A header's value, when it is text.
pub(crate) fn header_str(http: &HttpRequest, name: impl header::AsHeaderName) -> Option<&str> {
    http.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Whether the client accepts `application/graphql-response+json`.
pub(crate) fn wants_graphql_response_json(http: &HttpRequest) -> bool {
    header_str(http, header::ACCEPT).is_some_and(|v| v.contains(GRAPHQL_RESPONSE_JSON))
}

/// The client's `x-request-id` when it is short and plain, else a new one.
pub(crate) fn request_id(http: &HttpRequest) -> String {
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

/// An answer refusing the request before execution.
pub(crate) fn refuse(
    http: &HttpRequest,
    id: &str,
    status: StatusCode,
    message: &str,
) -> HttpResponse {
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
