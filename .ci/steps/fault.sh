#!/usr/bin/env bash
# Fault test: PostgreSQL stopped and started under load. It runs against a
# private cluster of its own (127.0.0.1:25432), never the shared one.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/pg-private.sh
trap 'pg_private_remove fault' EXIT
pg_private_start fault 25432
export HASONE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:25432/test"
# Run by the test through bash, with `stop` or `start` appended.
export HASONE_TEST_PG_CTL="source $PWD/.ci/pg-private.sh && pg_private_ctl fault"
cargo test --workspace --locked --test fault -- --include-ignored 2>&1 | tee target/fault.log
cat target/fault.txt
