//! What the GraphQL spec asks of a response, where a client would notice:
//! a failed nullable field is `null` (not missing) with its error, a failed
//! non-null field nulls its parent, fields come back in the order they
//! were selected, and an object whose fields were all skipped is `{}`.

use hasone_tests::{TestApp, backend_tests};
use serde_json::{Value, json};

use crate::unlinked_profile;

backend_tests!(
    a_failed_nullable_field_is_null_with_its_error,
    a_failed_mutation_is_null_and_the_others_answer,
    fields_answer_in_selection_order,
    an_object_whose_fields_are_all_skipped_is_empty,
    directives_on_typename_are_validated,
);

async fn a_failed_nullable_field_is_null_with_its_error(app: TestApp) -> TestApp {
    let resp = app
        .gql(
            "{ user(id: 1) { id profile(schema: \"public\") { id } name } }",
            json!({}),
        )
        .await;
    let user = resp["data"]["user"].as_object().expect("the user");
    assert_eq!(user.get("profile"), Some(&Value::Null), "{resp}");
    assert_eq!(user["name"], json!("User 1"));
    let errors = resp["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{resp}");
    assert_eq!(errors[0]["path"], json!(["user", "profile"]));
    assert_eq!(errors[0]["extensions"]["code"], json!("BAD_USER_INPUT"));
    // Inside a list: each item's failed field is null on its own.
    let resp = app
        .gql(
            "{ users(first: 3) { edges { node { id project(schema: \"nope\") { id } } } } }",
            json!({}),
        )
        .await;
    let edges = resp["data"]["users"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 3, "{resp}");
    for (i, edge) in edges.iter().enumerate() {
        assert_eq!(edge["node"].get("project"), Some(&Value::Null), "{resp}");
        assert_eq!(
            resp["errors"][i]["path"],
            json!(["users", "edges", i, "node", "project"])
        );
    }
    app
}

async fn a_failed_mutation_is_null_and_the_others_answer(app: TestApp) -> TestApp {
    let target = unlinked_profile(&app).await;
    let q = "mutation($p: ID) { \
        bad: setUserProfile(userId: \"User:9999\", profileId: $p) { user { id } } \
        good: setUserProfile(userId: \"User:2\", profileId: $p) { user { id } profile { rowId } } }";
    let resp = app.gql(q, json!({ "p": target.to_string() })).await;
    let data = resp["data"].as_object().expect("data");
    assert_eq!(data.get("bad"), Some(&Value::Null), "{resp}");
    assert_eq!(data["good"]["profile"]["rowId"], json!(target), "{resp}");
    assert_eq!(resp["errors"][0]["path"], json!(["bad"]));
    assert_eq!(resp["errors"][0]["extensions"]["code"], json!("NOT_FOUND"));
    let q = "mutation { deleteProfile(id: \"Profile:99999\") }";
    let resp = app.gql(q, json!({})).await;
    assert_eq!(resp["data"], json!({ "deleteProfile": null }), "{resp}");
    app
}

/// A JSON value with its object keys in the order they were sent (the
/// tests' `serde_json::Value` sorts them).
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Other,
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<Ordered>()?));
                }
                Ok(Ordered::Object(entries))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Ordered::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    fn at(&self, path: &str) -> &Ordered {
        path.split('.').fold(self, |v, key| match v {
            Ordered::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&Ordered::Other, |(_, v)| v),
            Ordered::Other => &Ordered::Other,
        })
    }

    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            Ordered::Other => Vec::new(),
        }
    }
}

/// POSTs a query; its answer with keys in the order sent.
async fn ordered(app: &TestApp, query: &str, variables: Value) -> Ordered {
    let text = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

async fn fields_answer_in_selection_order(app: TestApp) -> TestApp {
    // Loaded fields (profile, project) complete after plain ones; the
    // answer still follows the selection.
    let q = "{ user(id: 2) { profile { user { name id } bio id } name project(scope: []) { id } id \
        ... on User { email rowId } handle } }";
    let resp = ordered(&app, q, json!({})).await;
    let user = resp.at("data.user");
    assert_eq!(
        user.keys(),
        [
            "profile", "name", "project", "id", "email", "rowId", "handle"
        ],
        "{resp:?}"
    );
    assert_eq!(user.at("profile").keys(), ["user", "bio", "id"]);
    assert_eq!(user.at("profile.user").keys(), ["name", "id"]);
    let target = unlinked_profile(&app).await;
    let q = "mutation($p: ID) { setUserProfile(userId: 3, profileId: $p) { user { id profile { id } } profile { id } previous { id } } }";
    let resp = ordered(&app, q, json!({ "p": target.to_string() })).await;
    assert_eq!(
        resp.at("data.setUserProfile").keys(),
        ["user", "profile", "previous"],
        "{resp:?}"
    );
    app
}

async fn an_object_whose_fields_are_all_skipped_is_empty(app: TestApp) -> TestApp {
    let q = "query($no: Boolean!) { user(id: 1) { id @skip(if: true) name @include(if: $no) } missing: user(id: 9999) { id @skip(if: true) } }";
    let resp = app.gql(q, json!({ "no": false })).await;
    assert_eq!(resp["data"]["user"], json!({}), "{resp}");
    assert_eq!(resp["data"]["missing"], Value::Null, "{resp}");
    app
}

async fn directives_on_typename_are_validated(app: TestApp) -> TestApp {
    for q in [
        "{ __typename @foo(bar: 1) }",
        "{ __typename @skip }",
        "{ __typename @include(if: \"yes\") }",
        "{ __typename(x: 1) }",
        "{ user(id: 1) { __typename @skip(if: true) @skip(if: false) } }",
    ] {
        let resp = app.gql(q, json!({})).await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"],
            json!("GRAPHQL_VALIDATION_FAILED"),
            "{q}: {resp}"
        );
        assert!(resp.get("data").is_none(), "{q}: {resp}");
    }
    let d = app
        .data(
            "{ a: __typename @skip(if: true) b: __typename @include(if: true) }",
            json!({}),
        )
        .await;
    assert_eq!(d, json!({ "b": "QueryRoot" }));
    app
}
