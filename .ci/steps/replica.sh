#!/usr/bin/env bash
# Read replica and multi-process tests: a private PostgreSQL
# (127.0.0.1:25440) and a hot standby streaming from it (pg_basebackup,
# 127.0.0.1:25441); the shared cluster is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/pg-private.sh
trap 'pg_private_remove replica-standby; pg_private_remove replica-primary' EXIT
pg_private_start replica-primary 25440
pg_private_replica replica-standby 25440 25441
export HASONE_TEST_REPLICA_PRIMARY="postgres://postgres@127.0.0.1:25440/"
export HASONE_TEST_REPLICA_STANDBY="postgres://postgres@127.0.0.1:25441/"
# The multi-process test runs the server binary three times.
# The binary `cargo test --workspace` built (a no-op after it): `cargo build
# -p hasone-server` would build its dependencies again with other features.
cargo test --workspace --locked --no-run --quiet
cargo test --workspace --locked --test replica -- --include-ignored --nocapture --test-threads 1 2>&1 | tee target/replica.log
grep -q "test result: ok. 2 passed" target/replica.log
cat target/scale.txt
