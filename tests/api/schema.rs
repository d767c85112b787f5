//! `schema.graphql` is the schema the server runs.

use std::path::Path;

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
