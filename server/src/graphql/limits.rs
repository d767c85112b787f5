//! Request limits beyond async-graphql's depth and complexity: the number
//! of aliased fields in a document.

use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The code of every limit violation.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";

/// Deeper selection sets are not counted: async-graphql refuses documents
/// nested this deep right after (its recursion depth limit is 32).
const MAX_COUNTED_DEPTH: usize = 64;

/// Refuses documents with more than `max` aliased fields (a cheap way to
/// ask for the same expensive field many times).
pub fn check_aliases(doc: &ExecutableDocument, max: usize) -> Result<(), ServerError> {
    let aliases: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node, 0))
        .chain(
            doc.fragments
                .values()
                .map(|f| count_aliases(&f.node.selection_set.node, 0)),
        )
        .sum();
    if aliases > max {
        let message = format!("the document has {aliases} aliases; at most {max} are allowed");
        return Err(request_error(message, LIMIT_EXCEEDED));
    }
    Ok(())
}

fn count_aliases(set: &SelectionSet, depth: usize) -> usize {
    if depth > MAX_COUNTED_DEPTH {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some())
                    + count_aliases(&f.node.selection_set.node, depth + 1)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node, depth + 1),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// A request-level error with a code (no `data` in the answer).
pub fn request_error(message: impl Into<String>, code: &'static str) -> ServerError {
    let mut err = ServerError::new(message, None);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    err
}
