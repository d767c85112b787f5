//! The GraphiQL playground served to browsers at `/graphql`.

use actix_web::HttpResponse;
use async_graphql::http::GraphiQLSource;

/// The playground page.
pub fn page() -> HttpResponse {
    let html = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("hasone")
        .finish();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}
