//! Relay: the users connection, `node(id:)`, `user(id:)`.

use hasone_tests::{TestApp, at, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    users_pages_forward_to_the_end,
    page_arguments_are_checked,
    node_fetches_every_type,
    user_accepts_global_and_row_ids,
);

const PAGE: &str = "query($n: Int, $after: String) { users(first: $n, after: $after) { \
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { rowId } } } }";

async fn users_pages_forward_to_the_end(app: TestApp) -> TestApp {
    let mut after = Value::Null;
    let mut seen = Vec::new();
    loop {
        let d = app.data(PAGE, json!({ "n": 6, "after": after })).await;
        let page = &d["users"];
        assert_eq!(page["totalCount"], json!(20));
        assert_eq!(
            at(page, "pageInfo.hasPreviousPage"),
            &json!(!after.is_null())
        );
        for edge in page["edges"].as_array().expect("edges") {
            seen.push(at(edge, "node.rowId").as_i64().expect("rowId"));
        }
        if at(page, "pageInfo.hasNextPage") == &json!(false) {
            break;
        }
        after = at(page, "pageInfo.endCursor").clone();
        assert!(seen.len() <= 20, "pagination does not end");
    }
    assert_eq!(seen, (1..=20).collect::<Vec<i64>>());
    // Default page size.
    let d = app.data(PAGE, json!({})).await;
    assert_eq!(d["users"]["edges"].as_array().map(Vec::len), Some(20));
    app
}

async fn page_arguments_are_checked(app: TestApp) -> TestApp {
    for vars in [
        json!({ "n": 101 }),
        json!({ "n": -1 }),
        json!({ "n": 5, "after": "not a cursor" }),
    ] {
        assert_eq!(
            app.error_code(PAGE, vars.clone()).await,
            "BAD_USER_INPUT",
            "{vars}"
        );
    }
    let d = app.data(PAGE, json!({ "n": 0 })).await;
    assert_eq!(d["users"]["edges"], json!([]));
    app
}

async fn node_fetches_every_type(app: TestApp) -> TestApp {
    let q = "query($id: ID!) { node(id: $id) { __typename id } }";
    for id in ["User:3", "Profile:1", "Address:2", "Project:1"] {
        let d = app.data(q, json!({ "id": id })).await;
        assert_eq!(d["node"]["id"], json!(id));
        assert_eq!(d["node"]["__typename"], json!(id.split(':').next()));
    }
    let d = app.data(q, json!({ "id": "User:99999" })).await;
    assert_eq!(d["node"], Value::Null);
    for bad in ["Nope:1", "User", "42"] {
        assert_eq!(
            app.error_code(q, json!({ "id": bad })).await,
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    app
}

async fn user_accepts_global_and_row_ids(app: TestApp) -> TestApp {
    let q = "query($id: ID!) { user(id: $id) { id name email } }";
    let by_global = app.data(q, json!({ "id": "User:7" })).await;
    let by_row = app.data(q, json!({ "id": "7" })).await;
    assert_eq!(by_global, by_row);
    assert_eq!(at(&by_row, "user.email"), &json!("user7@example.com"));
    let missing = app.data(q, json!({ "id": "7777" })).await;
    assert_eq!(missing["user"], Value::Null);
    app
}
