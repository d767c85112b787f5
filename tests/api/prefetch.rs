//! Rows of a page are answered from the prefetch, at once and without
//! their loaders (`hasone-graphql/src/prefetch.rs`, `Row::ready`). These
//! tests hold that path to the one it replaces: the same rows reached
//! through `node(id:)`, which the prefetch does not cover, resolve field by
//! field through the loaders, and must answer the same JSON.

use hasone_tests::{TestApp, at, backend_tests};
use serde_json::{Value, json};

backend_tests!(
    a_page_answers_what_node_answers_whatever_the_selection,
    a_field_the_prefetch_cannot_read_still_batches,
);

/// Every shape the prefetched path handles by itself: `__typename`,
/// aliases, one response key selected twice (merged), fragment spreads and
/// inline fragments on the type and on its interface, nested levels,
/// inverses and scopes.
const USER: &str = "
fragment U on User {
  __typename id rowId name
  profile { id }
  profile { bio user { __typename id name } }
  ... on User { billingAddress { city } }
  ... on Node { id }
  ...Owner
  a: project { name owner { id project { id } } }
  b: project(scope: [ARCHIVED]) { name }
  shippingAddress { ... on Address { kind user { shippingAddress { id } } } }
  verified: billingAddress(scope: [VERIFIED]) { user { profile { rowId } } }
}
fragment Owner on User { handle profile { ...Prof } }
fragment Prof on Profile { rowId visibility }
";

async fn a_page_answers_what_node_answers_whatever_the_selection(app: TestApp) -> TestApp {
    let page = app
        .data(
            &format!(
                "{{ users(first: 100) {{ edges {{ cursor node {{ ...U }} }} \
                 nodes {{ ...U }} pageInfo {{ hasNextPage endCursor }} }} }} {USER}"
            ),
            json!({}),
        )
        .await;
    let edges = page["users"]["edges"].as_array().expect("edges").clone();
    let nodes = page["users"]["nodes"].as_array().expect("nodes").clone();
    assert!(edges.len() >= 10, "the seed has users: {page}");
    assert_eq!(edges.len(), nodes.len());
    let mut seen = [0usize; 4];
    for (edge, node) in edges.iter().zip(&nodes) {
        let user = &edge["node"];
        assert_eq!(user, node, "edges and nodes answer the same user");
        let id = user["id"].as_str().expect("id");
        let one = app
            .data(
                &format!("query($id: ID!) {{ node(id: $id) {{ ...U }} }} {USER}"),
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            user.to_string(),
            one["node"].to_string(),
            "{id}: the page answers what node(id:) answers, in the same order"
        );
        // Not vacuous: the seed gives each shape a non-null answer somewhere.
        for (n, path) in [
            "profile.user.name",
            "a.owner.project.id",
            "shippingAddress.user.shippingAddress.id",
            "verified.user.profile.rowId",
        ]
        .iter()
        .enumerate()
        {
            if at(user, path) != &Value::Null {
                seen[n] += 1;
            }
        }
        assert_eq!(user["__typename"], json!("User"));
    }
    assert!(
        seen.iter().all(|n| *n > 0),
        "every nested shape answered a row somewhere: {seen:?}"
    );
    assert_eq!(page["users"]["pageInfo"]["hasNextPage"], json!(false));
    assert_eq!(
        page["users"]["pageInfo"]["endCursor"],
        edges.last().expect("an edge")["cursor"]
    );
    app
}

async fn a_field_the_prefetch_cannot_read_still_batches(app: TestApp) -> TestApp {
    // `scope: PUBLIC` (one value for a list argument) is not prefetched:
    // the page resolves field by field, `public` through its loader, which
    // still batches the page's keys into one statement.
    let q = "{ users(first: 20) { edges { node { id profile { id } \
             public: profile(scope: PUBLIC) { id } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 3, "page, profiles, public profiles: {resp}");
    let listed = q.replace("scope: PUBLIC", "scope: [PUBLIC]");
    let (same, statements) = app.gql_counted(&listed, json!({})).await;
    assert_eq!(statements, 3, "{same}");
    assert_eq!(resp, same, "both forms of the argument answer the same");
    app
}
