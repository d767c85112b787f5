//! Hostile documents are refused before anything recursive or exponential
//! runs, on every path a document reaches the server by, and the server
//! keeps serving (issue: "A 3 KB GET request kills the server").

use hasone_tests::{TestApp, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    deeply_nested_values_are_refused_on_every_path,
    fragment_explosions_are_refused_before_validation,
    long_fragment_chains_and_cycles_are_refused,
    documents_inside_the_bounds_still_run,
);

/// `{ user(id: [[[…1…]]]) { id } }`: the crash of the issue was at ~1,500.
fn nested_list(levels: usize) -> String {
    format!(
        "{{ user(id: {}1{}) {{ id }} }}",
        "[".repeat(levels),
        "]".repeat(levels)
    )
}

async fn get(app: &TestApp, query: &str) -> (u16, Value) {
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .header("graphql-require-preflight", "1")
        .query(&[("query", query)])
        .send()
        .await
        .expect("GET");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(body)
        .send()
        .await
        .expect("POST");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn code(resp: &Value) -> &Value {
    &resp["errors"][0]["extensions"]["code"]
}

async fn still_serves(app: &TestApp) {
    let d = app.data("{ user(id: 1) { id } }", json!({})).await;
    assert_eq!(d["user"]["id"], json!("User:1"));
}

async fn deeply_nested_values_are_refused_on_every_path(app: TestApp) -> TestApp {
    let deep = nested_list(3000);
    let object = format!(
        "{{ user(id: 1) {{ profile(scope: {}DEFAULT{}) {{ id }} }} }}",
        "{a: ".repeat(3000),
        "}".repeat(3000)
    );
    let in_default = format!(
        "query($x: ID = {}1{}) {{ user(id: $x) {{ id }} }}",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let in_directive = format!(
        "{{ user(id: 1) @include(if: {}true{}) {{ id }} }}",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let selections = format!(
        "{}id{}",
        "{ user(id: 1) { profile ".repeat(1500),
        " }".repeat(3000)
    );
    for query in [&deep, &object, &in_default, &in_directive, &selections] {
        // GET: the path of the issue (no body, a cross-site <img> could
        // send it, so it must cost nothing even with the header).
        let (status, resp) = get(&app, query).await;
        assert_eq!(status, 200, "{resp}");
        assert_eq!(code(&resp), &json!("LIMIT_EXCEEDED"), "{resp}");
        assert!(resp.get("data").is_none(), "{resp}");
        let (status, resp) = post(&app, &json!({ "query": query })).await;
        assert_eq!(
            (status, code(&resp)),
            (200, &json!("LIMIT_EXCEEDED")),
            "{resp}"
        );
        // In a batch, each operation is bounded on its own.
        let batch = json!([{ "query": query }, { "query": "{ user(id: 2) { id } }" }]);
        let (status, resp) = post(&app, &batch).await;
        assert_eq!(status, 200, "{resp}");
        assert_eq!(code(&resp[0]), &json!("LIMIT_EXCEEDED"), "{resp}");
        assert_eq!(resp[1]["data"]["user"]["id"], json!("User:2"), "{resp}");
    }
    // Variables: JSON nested deeper than serde_json's limit is a bad body;
    // within it, the type check refuses a list for an `ID!` at once.
    let vars = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
    let body = format!(
        r#"{{"query": "query($x: ID!) {{ user(id: $x) {{ id }} }}", "variables": {{"x": {vars}}}}}"#
    );
    let resp = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 400);
    let resp: Value = resp.json().await.expect("json");
    assert_eq!(code(&resp), &json!("BAD_REQUEST"), "{resp}");
    let vars: Value = serde_json::from_str(&format!("{}1{}", "[".repeat(100), "]".repeat(100)))
        .expect("within serde_json's limit");
    let (_, resp) = post(
        &app,
        &json!({ "query": "query($x: ID!) { user(id: $x) { id } }", "variables": { "x": vars } }),
    )
    .await;
    assert_eq!(code(&resp), &json!("GRAPHQL_VALIDATION_FAILED"), "{resp}");
    still_serves(&app).await;
    app
}

/// `{ ...F0 } fragment F0 on QueryRoot { ...F1 ...F1 } … F{n} { __typename }`:
/// 2^n fields once expanded, from a document of a few hundred bytes.
fn doubling(levels: usize) -> String {
    let mut doc = String::from("{ ...F0 }");
    for i in 0..levels {
        doc.push_str(&format!(
            " fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    doc.push_str(&format!(
        " fragment F{levels} on QueryRoot {{ __typename }}"
    ));
    doc
}

async fn fragment_explosions_are_refused_before_validation(app: TestApp) -> TestApp {
    // 2^24: the issue's 15 s of a worker. 2^40 would take days.
    for levels in [24, 40] {
        let doc = doubling(levels);
        let (status, resp) = post(&app, &json!({ "query": doc })).await;
        assert_eq!(status, 200);
        assert_eq!(code(&resp), &json!("LIMIT_EXCEEDED"), "{resp}");
        let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("expanded"), "{message}");
        let (_, resp) = get(&app, &doc).await;
        assert_eq!(code(&resp), &json!("LIMIT_EXCEEDED"), "{resp}");
        // Ten of them in one batch: each refused.
        let batch: Vec<Value> = (0..10).map(|_| json!({ "query": doc })).collect();
        let (_, resp) = post(&app, &Value::Array(batch)).await;
        let answers = resp.as_array().expect("a batch answer");
        assert_eq!(answers.len(), 10);
        assert!(
            answers.iter().all(|r| code(r) == &json!("LIMIT_EXCEEDED")),
            "{resp}"
        );
    }
    // `__typename` counts: 600 of them are over the complexity limit (500).
    let many = format!("{{ {} }}", "__typename ".repeat(600));
    let (_, resp) = post(&app, &json!({ "query": many })).await;
    assert_eq!(code(&resp), &json!("LIMIT_EXCEEDED"), "{resp}");
    // A small doubling stays inside the bounds and runs: 2^5 = 32 fields.
    let (_, resp) = post(&app, &json!({ "query": doubling(5) })).await;
    assert_eq!(resp["data"]["__typename"], json!("QueryRoot"), "{resp}");
    still_serves(&app).await;
    app
}

async fn long_fragment_chains_and_cycles_are_refused(app: TestApp) -> TestApp {
    // 1,000 fragments each spreading the next: a recursion as deep as the
    // chain in every check that expands spreads.
    let mut chain = String::from("{ ...F0 }");
    for i in 0..1000 {
        chain.push_str(&format!(" fragment F{i} on QueryRoot {{ ...F{} }}", i + 1));
    }
    chain.push_str(" fragment F1000 on QueryRoot { __typename }");
    let (_, resp) = post(&app, &json!({ "query": chain })).await;
    assert_eq!(code(&resp), &json!("LIMIT_EXCEEDED"), "{resp}");
    for cycle in [
        "{ ...A } fragment A on QueryRoot { ...A }",
        "{ ...A } fragment A on QueryRoot { user(id: 1) { ...B } } fragment B on User { profile { user { ...C } } } fragment C on User { ...B }",
    ] {
        let (_, resp) = post(&app, &json!({ "query": cycle })).await;
        assert_eq!(
            code(&resp),
            &json!("GRAPHQL_VALIDATION_FAILED"),
            "{cycle}: {resp}"
        );
    }
    still_serves(&app).await;
    app
}

async fn documents_inside_the_bounds_still_run(app: TestApp) -> TestApp {
    // The standard introspection query: 15 levels of selections, fragments.
    let resp = app
        .gql(include_str!("introspection.graphql"), json!({}))
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // Values nested 30 deep inside a string and a comment do not count.
    let q = format!(
        "{{ user(id: 1) {{ id name # {}\n }} a: user(id: \"{}\") {{ id }} }}",
        "[".repeat(500),
        "[".repeat(500)
    );
    let resp = app.gql(&q, json!({})).await;
    assert_eq!(resp["data"]["user"]["id"], json!("User:1"), "{resp}");
    assert_eq!(code(&resp), &json!("BAD_USER_INPUT"), "{resp}");
    // Fragments shared by many fields are fine while the expansion is small.
    let shared = "{ user(id: 1) { ...U profile { user { ...U } } } } fragment U on User { id name email handle }";
    let d = app.data(shared, json!({})).await;
    assert_eq!(d["user"]["profile"]["user"]["name"], json!("User 1"));
    app
}
