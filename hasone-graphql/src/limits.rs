//! Request limits beyond async-graphql's depth and complexity: the number
//! of aliased fields in a document, and introspection when it is off. (The
//! bounds that keep parsing and validation linear are in
//! [`super::bounds`].)

use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The code of every limit violation.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";

/// Refuses documents with more than `max` aliased fields (a cheap way to
/// ask for the same expensive field many times).
pub fn check_aliases(doc: &ExecutableDocument, max: usize) -> Result<(), ServerError> {
    let aliases: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|f| count_aliases(&f.node.selection_set.node)),
        )
        .sum();
    if aliases > max {
        let message = format!("the document has {aliases} aliases; at most {max} are allowed");
        return Err(request_error(message, LIMIT_EXCEEDED));
    }
    Ok(())
}

/// Recurses once per level: [`super::bounds::check_nesting`] has bounded
/// the levels.
fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Refuses a document that selects `__schema` or `__type` anywhere, as
/// Apollo Server does with introspection off (async-graphql would answer
/// `null`, which reads as "no such type").
pub fn check_introspection_off(doc: &ExecutableDocument) -> Result<(), ServerError> {
    fn selects(set: &SelectionSet) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(f) => {
                matches!(f.node.name.node.as_str(), "__schema" | "__type")
                    || selects(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => selects(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
    }
    let any = doc
        .operations
        .iter()
        .any(|(_, op)| selects(&op.node.selection_set.node))
        || doc
            .fragments
            .values()
            .any(|f| selects(&f.node.selection_set.node));
    if any {
        return Err(request_error(
            "introspection is turned off on this server (HASONE_INTROSPECTION=false), but the document selects __schema or __type",
            "GRAPHQL_VALIDATION_FAILED",
        ));
    }
    Ok(())
}

/// A request-level error with a code (no `data` in the answer).
pub fn request_error(message: impl Into<String>, code: &'static str) -> ServerError {
    let mut err = ServerError::new(message, None);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    err
}
