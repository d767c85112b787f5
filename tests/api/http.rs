//! The HTTP surface: GET and POST, batches, GraphiQL, health and readiness.

use hasone_tests::{TestApp, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    health_and_ready_answer,
    get_runs_queries_but_never_mutations,
    browsers_get_graphiql,
    post_accepts_a_batch,
);

async fn health_and_ready_answer(app: TestApp) -> TestApp {
    for path in ["/health", "/ready"] {
        let resp = app
            .client
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .expect(path);
        assert_eq!(resp.status(), 200, "{path}");
    }
    app
}

async fn get_runs_queries_but_never_mutations(app: TestApp) -> TestApp {
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .header("graphql-require-preflight", "1")
        .query(&[("query", "{ user(id: 1) { profile { id } } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    assert!(body["data"]["user"]["profile"]["id"].is_string(), "{body}");

    let before = app.snapshot().await;
    let mutation = "mutation { setUserProfile(userId: 1, profileId: null) { previous { id } } }";
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .header("graphql-require-preflight", "1")
        .query(&[("query", mutation)])
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    let body: Value = resp.json().await.expect("json");
    assert!(body["errors"][0]["message"].is_string(), "{body}");
    // Without the preflight header the CSRF check refuses it first, before
    // anything reads the document.
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("query", mutation)])
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 400);
    assert_eq!(app.snapshot().await, before);
    app
}

async fn browsers_get_graphiql(app: TestApp) -> TestApp {
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/html"))
    );
    let html = resp.text().await.expect("body");
    assert!(html.to_lowercase().contains("graphiql"), "{html}");
    app
}

async fn post_accepts_a_batch(app: TestApp) -> TestApp {
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!([
            { "query": "{ user(id: 1) { id } }" },
            { "query": "{ user(id: 2) { id } }" }
        ]))
        .send()
        .await
        .expect("POST");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body[0]["data"]["user"]["id"], json!("User:1"), "{body}");
    assert_eq!(body[1]["data"]["user"]["id"], json!("User:2"), "{body}");
    app
}
