//! `schema.graphql` is the schema the server runs.

use std::path::Path;

use hasone_tests::{Backend, TestApp};
use serde_json::json;

#[test]
fn committed_sdl_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = hasone_server::app::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -q -- print-schema > schema.graphql`"
    );
}

/// Every type, field, argument, input field, enum value and directive the
/// server introspects, with what it lacks: a description.
fn undescribed(schema: &serde_json::Value) -> Vec<String> {
    fn missing(item: &serde_json::Value) -> bool {
        item["description"]
            .as_str()
            .is_none_or(|d| d.trim().is_empty())
    }
    let mut out = Vec::new();
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    for ty in list(&schema["types"]) {
        let name = ty["name"].as_str().unwrap_or("?").to_owned();
        if BUILT_IN.contains(&name.as_str()) || name.starts_with("__") {
            continue;
        }
        if missing(&ty) {
            out.push(format!("type {name}"));
        }
        for field in list(&ty["fields"]) {
            let f = format!("{name}.{}", field["name"].as_str().unwrap_or("?"));
            if missing(&field) {
                out.push(format!("field {f}"));
            }
            for arg in list(&field["args"]) {
                if missing(&arg) {
                    out.push(format!(
                        "argument {f}({})",
                        arg["name"].as_str().unwrap_or("?")
                    ));
                }
            }
        }
        for input in list(&ty["inputFields"]) {
            if missing(&input) {
                out.push(format!(
                    "input field {name}.{}",
                    input["name"].as_str().unwrap_or("?")
                ));
            }
        }
        for value in list(&ty["enumValues"]) {
            if missing(&value) {
                out.push(format!(
                    "enum value {name}.{}",
                    value["name"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    for directive in list(&schema["directives"]) {
        let name = directive["name"].as_str().unwrap_or("?");
        if missing(&directive) {
            out.push(format!("directive @{name}"));
        }
        for arg in list(&directive["args"]) {
            if missing(&arg) {
                out.push(format!(
                    "argument @{name}({})",
                    arg["name"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    out
}

/// The spec's scalars and introspection types: not in the SDL, and
/// described (or not) by async-graphql, the same in every server built on
/// it.
const BUILT_IN: [&str; 5] = ["ID", "String", "Int", "Float", "Boolean"];

const DESCRIPTIONS: &str = "{ __schema { \
    types { name description \
      fields(includeDeprecated: true) { name description args { name description } } \
      inputFields { name description } \
      enumValues(includeDeprecated: true) { name description } } \
    directives { name description args { name description } } } }";

/// Schema tooling and GraphiQL's docs pane show descriptions: every type
/// of the SDL, its fields, arguments, input fields and enum values, and
/// every directive, have one.
#[tokio::test]
async fn everything_in_the_schema_has_a_description() {
    let app = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let resp = app.gql(DESCRIPTIONS, json!({})).await;
    let schema = &resp["data"]["__schema"];
    let types = schema["types"].as_array().map_or(0, Vec::len);
    assert!(types > 30, "introspection answered {resp}");
    let lacking = undescribed(schema);
    assert!(lacking.is_empty(), "without a description: {lacking:#?}");
    app.finish().await;
}

/// The walk itself finds what lacks a description, wherever it is.
#[test]
fn the_description_walk_finds_every_kind_of_item() {
    let schema = json!({
        "types": [{ "name": "__Type", "description": null }, { "name": "ID" }, {
            "name": "T", "description": null,
            "fields": [{ "name": "f", "description": "", "args": [{ "name": "a" }] }],
            "inputFields": [{ "name": "i", "description": " " }],
            "enumValues": [{ "name": "E", "description": null }]
        }],
        "directives": [{ "name": "d", "description": "ok", "args": [{ "name": "x", "description": null }] }]
    });
    assert_eq!(
        undescribed(&schema),
        [
            "type T",
            "field T.f",
            "argument T.f(a)",
            "input field T.i",
            "enum value T.E",
            "argument @d(x)"
        ]
    );
}
