//! Bounds on a request's document, checked before anything recursive or
//! exponential touches it.
//!
//! async-graphql's parser (pest) recurses once per nesting level of `{`,
//! `[` and `(`: a 3 KB document of nested list values overflowed a
//! worker's stack and aborted the process. Its validation, its recursion
//! depth check and its complexity and depth limits expand every fragment
//! spread where it is used: 24 fragments that each spread the next one
//! twice take 2^24 visits, 15 s of a worker, before any limit refuses the
//! document. Hence, in order:
//!
//! 1. [`check_nesting`], on the text, in one pass that recurses into
//!    nothing: brackets nested deeper than [`MAX_NESTING`] are refused
//!    before the parser sees them.
//! 2. [`check_expansion`], on the parsed document: the size of every
//!    operation with its fragments expanded, and how deep spreads and
//!    fields nest once expanded, computed once per fragment (so in time
//!    linear in the document), before async-graphql's own checks run.
//!
//! docs/compliance.md says what upstream does and why it is done here.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, ServerError};

use super::limits::{LIMIT_EXCEEDED, request_error};

/// How deep brackets may nest in a document's text. async-graphql refuses
/// selections nested deeper than 32 (its recursion depth limit), so no
/// document it would run comes near this; the parser's stack use at this
/// depth is a few dozen kilobytes.
pub const MAX_NESTING: usize = 64;

/// Refuses a document whose `{`, `[` or `(` nest deeper than
/// [`MAX_NESTING`], outside strings and comments. One pass over the
/// bytes, no recursion; unbalanced brackets are left to the parser.
pub fn check_nesting(text: &str) -> Result<(), ServerError> {
    let depth = nesting(text.as_bytes(), MAX_NESTING);
    if depth > MAX_NESTING {
        return Err(request_error(
            format!("the document nests brackets more than {MAX_NESTING} levels deep"),
            LIMIT_EXCEEDED,
        ));
    }
    Ok(())
}

/// The deepest bracket nesting of a GraphQL source text, counting stops
/// once it exceeds `stop`. Skips comments (`#` to the end of the line),
/// strings (`"…"`, which end at a line break at the latest) and block
/// strings (`"""…"""`, in which `\"""` does not end the string).
fn nesting(text: &[u8], stop: usize) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > stop {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < text.len() && !matches!(text[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'"' if text[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < text.len() && !text[i..].starts_with(b"\"\"\"") {
                    i += if text[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2; // the closing quotes, with the `+= 1` below
            }
            b'"' => {
                i += 1;
                while i < text.len() && !matches!(text[i], b'"' | b'\n' | b'\r') {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// What a document costs once its fragments are expanded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expansion {
    /// Fields (`__typename` included) in all operations, every fragment
    /// counted once per spread: what validation and execution visit.
    pub fields: usize,
    /// The longest chain of nested fields, fragment spreads and inline
    /// fragments: how deep anything that expands the document recurses.
    pub depth: usize,
}

/// Refuses a document that, with its fragments expanded, has more than
/// `max_fields` fields or nests deeper than [`MAX_NESTING`]; and one whose
/// fragments spread each other in a cycle. `max_fields` is the complexity
/// limit: every field costs at least one, so a document over it can never
/// pass async-graphql's complexity check, which only counts after
/// expanding.
pub fn check_expansion(doc: &ExecutableDocument, max_fields: usize) -> Result<(), ServerError> {
    let expansion = expand(doc)?;
    if expansion.fields > max_fields {
        return Err(request_error(
            format!(
                "the document selects {} fields once its fragments are expanded; at most {max_fields} are allowed",
                expansion.fields
            ),
            LIMIT_EXCEEDED,
        ));
    }
    if expansion.depth > MAX_NESTING {
        return Err(request_error(
            format!(
                "fields and fragment spreads nest more than {MAX_NESTING} levels deep once expanded"
            ),
            LIMIT_EXCEEDED,
        ));
    }
    Ok(())
}

/// The expansion of every operation of `doc`, summed (sizes) and maxed
/// (depths). Each fragment is measured once, after the fragments it
/// spreads, in an explicit depth-first order: a chain of thousands of
/// fragments recurses no deeper than one fragment's own selection sets,
/// which [`check_nesting`] bounds.
pub fn expand(doc: &ExecutableDocument) -> Result<Expansion, ServerError> {
    enum State {
        /// Being measured: its spreads are on the stack above it.
        Open,
        Measured(Expansion),
    }
    let mut states: HashMap<&Name, State> = HashMap::with_capacity(doc.fragments.len());
    let mut spreads = Vec::new();
    for start in doc.fragments.keys() {
        // (fragment, whether the fragments it spreads are measured)
        let mut stack: Vec<(&Name, bool)> = vec![(start, false)];
        while let Some((name, ready)) = stack.pop() {
            let Some(fragment) = doc.fragments.get(name) else {
                continue; // unknown: async-graphql reports it
            };
            match (states.get(name), ready) {
                (Some(State::Measured(_)), _) => {}
                (Some(State::Open), false) => return Err(cycle(name)),
                (_, true) => {
                    let size = measure(
                        &fragment.node.selection_set.node,
                        &|n| match states.get(n) {
                            Some(State::Measured(e)) => *e,
                            _ => Expansion::default(),
                        },
                    );
                    states.insert(name, State::Measured(size));
                }
                (None, false) => {
                    states.insert(name, State::Open);
                    stack.push((name, true));
                    spreads.clear();
                    spreads_of(&fragment.node.selection_set.node, &mut spreads);
                    for &spread in &spreads {
                        match states.get(spread) {
                            Some(State::Open) => return Err(cycle(spread)),
                            Some(State::Measured(_)) => {}
                            None => stack.push((spread, false)),
                        }
                    }
                }
            }
        }
    }
    let measured = |n: &Name| match states.get(n) {
        Some(State::Measured(e)) => *e,
        _ => Expansion::default(),
    };
    let mut total = Expansion::default();
    for (_, operation) in doc.operations.iter() {
        let op = measure(&operation.node.selection_set.node, &measured);
        total.fields = total.fields.saturating_add(op.fields);
        total.depth = total.depth.max(op.depth);
    }
    Ok(total)
}

fn cycle(name: &Name) -> ServerError {
    request_error(
        format!("fragment \"{name}\" spreads itself, directly or through other fragments"),
        "GRAPHQL_VALIDATION_FAILED",
    )
}

/// The names of the fragments a selection set spreads, at any depth.
fn spreads_of<'a>(set: &'a SelectionSet, out: &mut Vec<&'a Name>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => spreads_of(&f.node.selection_set.node, out),
            Selection::InlineFragment(f) => spreads_of(&f.node.selection_set.node, out),
            Selection::FragmentSpread(s) => out.push(&s.node.fragment_name.node),
        }
    }
}

/// The expansion of a selection set whose spreads are all measured
/// (unknown fragments count nothing).
fn measure(set: &SelectionSet, measured: &impl Fn(&Name) -> Expansion) -> Expansion {
    let mut total = Expansion::default();
    for item in &set.items {
        let (fields, depth) = match &item.node {
            Selection::Field(f) => {
                let inner = measure(&f.node.selection_set.node, measured);
                (inner.fields.saturating_add(1), inner.depth + 1)
            }
            Selection::InlineFragment(f) => {
                let inner = measure(&f.node.selection_set.node, measured);
                (inner.fields, inner.depth + 1)
            }
            Selection::FragmentSpread(s) => {
                let inner = measured(&s.node.fragment_name.node);
                (inner.fields, inner.depth + 1)
            }
        };
        total.fields = total.fields.saturating_add(fields);
        total.depth = total.depth.max(depth);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn depth(text: &str) -> usize {
        nesting(text.as_bytes(), usize::MAX)
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(depth("{ a }"), 1);
        assert_eq!(depth("{ a(b: [[1]]) { c } }"), 4);
        assert_eq!(depth("{ a(b: \"[[[[\") }"), 2);
        assert_eq!(depth("{ a(b: \"\\\"[[[[\") }"), 2);
        assert_eq!(depth("{ a # [[[[\n }"), 1);
        assert_eq!(depth("{ a(b: \"\"\" [[[ \\\"\"\" [[[ \"\"\") }"), 2);
        assert_eq!(depth("{ a(b: \"\"\"\"\"\") { c { d } } }"), 3);
        // An unterminated string ends at the line: what follows counts.
        assert_eq!(depth("{ a(b: \"x\n [[[ ]]]) }"), 5);
        let deep = format!(
            "{{ user(id: {}1{}) {{ id }} }}",
            "[".repeat(3000),
            "]".repeat(3000)
        );
        assert_eq!(nesting(deep.as_bytes(), MAX_NESTING), MAX_NESTING + 1);
        assert!(check_nesting(&deep).is_err());
        assert!(check_nesting("{ user(id: [[[1]]]) { id } }").is_ok());
    }

    fn expansion(text: &str) -> Result<Expansion, ServerError> {
        expand(&parse_query(text).expect("parses"))
    }

    #[test]
    fn expansion_counts_each_spread_of_a_fragment() {
        let e =
            expansion("{ a b { c } ...F } fragment F on Q { d ...G ...G } fragment G on Q { e f }")
                .expect("measured");
        // a, b, c, then F: d and twice G (e, f).
        assert_eq!(e.fields, 3 + 1 + 4);
        assert_eq!(e.depth, 3); // ...F > ...G > e
        let e = expansion("query A { a } query B { b { c } }").expect("measured");
        assert_eq!(
            e,
            Expansion {
                fields: 3,
                depth: 2
            }
        );
    }

    #[test]
    fn doubling_fragments_are_measured_in_linear_time() {
        let mut doc = String::from("{ ...F0 }");
        for i in 0..70 {
            doc.push_str(&format!(
                " fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        doc.push_str(" fragment F70 on QueryRoot { __typename }");
        let e = expansion(&doc).expect("measured");
        assert_eq!(e.fields, usize::MAX, "2^70 saturates");
        assert!(check_expansion(&parse_query(&doc).expect("parses"), 500).is_err());
    }

    #[test]
    fn long_chains_are_measured_without_recursion() {
        let mut doc = String::from("{ ...F0 }");
        for i in 0..20_000 {
            doc.push_str(&format!(" fragment F{i} on Q {{ ...F{} }}", i + 1));
        }
        doc.push_str(" fragment F20000 on Q { a }");
        let e = expansion(&doc).expect("measured");
        assert_eq!(e.fields, 1);
        assert_eq!(e.depth, 20_002);
        assert!(check_expansion(&parse_query(&doc).expect("parses"), 500).is_err());
    }

    #[test]
    fn cycles_are_refused() {
        for doc in [
            "{ ...A } fragment A on Q { ...A }",
            "{ ...A } fragment A on Q { b { ...B } } fragment B on Q { ...A }",
            "{ a } fragment A on Q { ...B } fragment B on Q { c { ...A } }",
        ] {
            assert!(expansion(doc).is_err(), "{doc}");
        }
        // A fragment spread twice is not a cycle.
        assert!(expansion("{ ...A ...B } fragment A on Q { ...B } fragment B on Q { c }").is_ok());
    }
}
