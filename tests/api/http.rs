//! The HTTP surface: GET and POST, batches, GraphiQL, health and readiness.

use hasone_tests::{Backend, Options, TestApp, at, backend_tests, run_with};
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

/// A request names a host the server answers to (DNS rebinding: the
/// attacker's name for this server's address), one `Host` and at most one
/// `Origin`; the rest is refused before it runs. On SQLite: the check is
/// the HTTP layer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_name_an_allowed_host_and_one_origin() {
    run_with(Backend::Sqlite, Options::default(), hosts_and_origins).await;
}

async fn hosts_and_origins(app: TestApp) -> TestApp {
    let url = format!("{}/graphql", app.url);
    let port = app.url.rsplit(':').next().unwrap_or_default().to_owned();
    let own = app.url.clone();
    let unlink = json!({ "query": "mutation { setUserProfile(userId: 1, profileId: null) { previous { id } } }" });
    let read = json!({ "query": "{ user(id: 1) { id } }" });
    let post = |body: &Value, host: Option<&str>, origins: &[&str]| {
        let mut request = app.client.post(&url).json(body);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        for origin in origins {
            request = request.header("origin", *origin);
        }
        request.send()
    };
    let before = app.snapshot().await;
    let refused = [
        (Some("evil.example".to_owned()), vec!["http://evil.example"]),
        (Some(format!("evil.example:{port}")), vec![]),
        (Some(format!("127.0.0.1.evil.example:{port}")), vec![]),
        (None, vec![own.as_str(), "https://evil.example"]),
        (None, vec![own.as_str(), own.as_str()]),
    ];
    for (host, origins) in &refused {
        let resp = post(&unlink, host.as_deref(), origins).await.expect("POST");
        let status = resp.status();
        let body: Value = resp.json().await.expect("JSON");
        assert_eq!(status, 400, "{host:?} {origins:?}: {body}");
        assert_eq!(
            at(&body, "errors.0.extensions.code"),
            &json!("BAD_REQUEST"),
            "{body}"
        );
        assert!(body.get("data").is_none(), "{body}");
    }
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused request changed rows"
    );
    for host in [
        None,
        Some(format!("127.0.0.1:{port}")),
        Some(format!("localhost:{port}")),
        Some("LOCALHOST".to_owned()),
    ] {
        let resp = post(&read, host.as_deref(), &[own.as_str()])
            .await
            .expect("POST");
        assert_eq!(resp.status(), 200, "{host:?}");
        let body: Value = resp.json().await.expect("JSON");
        assert_eq!(at(&body, "data.user.id"), &json!("User:1"), "{body}");
    }
    app
}
