//! Validation rules of the GraphQL spec that async-graphql does not check.
//!
//! - **Single root field** (spec §5.2.3.1): a subscription selects exactly
//!   one root field, and not an introspection field, because each event
//!   answers one field. async-graphql ran every root field of such a
//!   document as a stream of its own and merged them. A `@skip` or
//!   `@include` on a second root field does not make it acceptable (the
//!   spec's text forbids them there).

use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection,
};
use async_graphql::{Pos, ServerError};

/// The code of every rule's error, as async-graphql's own validation.
const CODE: &str = "GRAPHQL_VALIDATION_FAILED";

/// Refuses a subscription with more than one root field, or with an
/// introspection field at its root (fragments followed).
pub fn check_single_root_field(doc: &ExecutableDocument) -> Result<(), ServerError> {
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![(None, op)],
        DocumentOperations::Multiple(ops) => ops.iter().map(|(n, op)| (Some(n), op)).collect(),
    };
    for (name, op) in operations {
        if op.node.ty != OperationType::Subscription {
            continue;
        }
        let subject = name.map_or_else(
            || "Anonymous Subscription".to_owned(),
            |n| format!("Subscription \"{n}\""),
        );
        let mut keys: HashSet<&str> = HashSet::new();
        let mut followed = HashSet::new();
        // Selection sets still to read, fragments' included (each once):
        // a loop, not a recursion, whatever the document.
        let mut sets = vec![&op.node.selection_set.node];
        while let Some(set) = sets.pop() {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => {
                        let field = &field.node;
                        if field.name.node.starts_with("__") {
                            return Err(error(
                                format!(
                                    "{subject} must not select an introspection top level field."
                                ),
                                field.name.pos,
                            ));
                        }
                        keys.insert(field.response_key().node.as_str());
                        if keys.len() > 1 {
                            return Err(error(
                                format!("{subject} must select only one top level field."),
                                item.pos,
                            ));
                        }
                    }
                    Selection::InlineFragment(fragment) => {
                        sets.push(&fragment.node.selection_set.node);
                    }
                    Selection::FragmentSpread(spread) => {
                        let name = &spread.node.fragment_name.node;
                        if followed.insert(name.as_str())
                            && let Some(fragment) = doc.fragments.get(name)
                        {
                            sets.push(&fragment.node.selection_set.node);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn error(message: String, pos: Pos) -> ServerError {
    let mut err = ServerError::new(message, Some(pos));
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", CODE);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Result<(), String> {
        let doc = async_graphql::parser::parse_query(query).map_err(|e| e.to_string())?;
        check_single_root_field(&doc).map_err(|e| e.message)
    }

    #[test]
    fn one_root_field_passes_however_it_is_written() {
        for ok in [
            "subscription { a { b c } }",
            "subscription S { a { b } a { c } }",
            "subscription { ... on Subscription { a } a }",
            "subscription { ...F } fragment F on Subscription { a ...G } fragment G on Subscription { a }",
            "subscription { x: a }",
            "{ a b __typename }",
            "mutation { a b }",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn a_second_root_field_or_an_introspection_field_is_refused() {
        for (bad, message) in [
            (
                "subscription { a b }",
                "Anonymous Subscription must select only one",
            ),
            (
                "subscription S { a x: a }",
                "Subscription \"S\" must select only one",
            ),
            ("subscription { a ... on Subscription { b } }", "only one"),
            (
                "subscription { ...F } fragment F on Subscription { a b }",
                "only one",
            ),
            ("subscription { a @skip(if: true) b }", "only one"),
            (
                "subscription { __typename }",
                "must not select an introspection",
            ),
            ("query Q { a } subscription S { a b }", "Subscription \"S\""),
        ] {
            let got = check(bad).expect_err(bad);
            assert!(got.contains(message), "{bad}: {got}");
        }
        // A cycle of spreads does not loop (async-graphql reports it).
        assert!(check("subscription { ...F } fragment F on S { ...F }").is_ok());
    }
}
