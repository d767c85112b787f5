//! Parsed documents by query text. Clients send the same few documents over
//! and over, and copying a parsed document costs a fraction of parsing it
//! again (parsing was 3 % of a Q2 request's instructions,
//! docs/performance.md).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};

use super::bounds::check_nesting;

/// Documents kept at most; the cache is emptied when full, so a server
/// that sees more distinct documents than this parses as if uncached.
const MAX_DOCUMENTS: usize = 256;
/// Longer query texts are parsed every time and not kept.
const MAX_QUERY_LEN: usize = 16 * 1024;

#[derive(Default)]
pub struct Documents {
    parsed: Mutex<HashMap<String, ExecutableDocument>>,
}

impl Documents {
    /// The request's parsed document, checked: a copy of the one parsed
    /// and checked before for the same text, or parsed now, after
    /// [`check_nesting`] and before `check` (and kept when both pass).
    /// Parse errors are coded `GRAPHQL_PARSE_FAILED`.
    pub fn prepare<'r>(
        &self,
        request: &'r mut Request,
        check: impl FnOnce(&ExecutableDocument) -> Result<(), ServerError>,
    ) -> Result<&'r ExecutableDocument, ServerError> {
        let cached = self.lock().get(&request.query).cloned();
        if let Some(doc) = cached {
            request.set_parsed_query(doc);
            return request.parsed_query();
        }
        check_nesting(&request.query)?;
        let keep = request.query.len() <= MAX_QUERY_LEN;
        let query = keep.then(|| request.query.clone());
        let doc = request.parsed_query().map_err(|mut err| {
            super::error::tag(&mut err, "GRAPHQL_PARSE_FAILED");
            err
        })?;
        check(doc)?;
        if let Some(query) = query {
            let doc = doc.clone();
            let mut parsed = self.lock();
            if parsed.len() >= MAX_DOCUMENTS {
                parsed.clear();
            }
            parsed.insert(query, doc);
        }
        request.parsed_query()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ExecutableDocument>> {
        self.parsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(docs: &Documents, query: &str) -> Result<ExecutableDocument, ServerError> {
        docs.prepare(&mut Request::new(query), |_| Ok(())).cloned()
    }

    #[test]
    fn a_kept_document_is_the_one_parsed() {
        let docs = Documents::default();
        let query = "query Q($n: Int) { users(first: $n) { edges { node { id } } } }";
        let first = parse(&docs, query).expect("parses");
        assert_eq!(docs.lock().len(), 1);
        let again = parse(&docs, query).expect("from the cache");
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(docs.lock().len(), 1);
    }

    #[test]
    fn errors_and_long_texts_are_not_kept() {
        let docs = Documents::default();
        assert!(parse(&docs, "{ users(").is_err());
        assert!(parse(&docs, "{ users(").is_err());
        let long = format!("{{ __typename }}{}", " ".repeat(MAX_QUERY_LEN));
        assert!(parse(&docs, &long).is_ok());
        assert_eq!(docs.lock().len(), 0);
    }

    #[test]
    fn documents_that_fail_a_check_are_not_kept() {
        let docs = Documents::default();
        let refuse = |_: &ExecutableDocument| Err(ServerError::new("no", None));
        assert!(docs.prepare(&mut Request::new("{ a }"), refuse).is_err());
        assert!(docs.prepare(&mut Request::new("{ a }"), refuse).is_err());
        assert_eq!(docs.lock().len(), 0);
        let deep = format!("{{ a(b: {}1{}) }}", "[".repeat(100), "]".repeat(100));
        let err = parse(&docs, &deep).expect_err("refused before parsing");
        assert!(err.message.contains("nests"), "{}", err.message);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let docs = Documents::default();
        for i in 0..MAX_DOCUMENTS + 10 {
            parse(&docs, &format!("{{ a{i}: __typename }}")).expect("parses");
            assert!(docs.lock().len() <= MAX_DOCUMENTS);
        }
    }
}
