#!/usr/bin/env bash
# Fault test: stops and starts the local PostgreSQL under load (run alone,
# after the main suite, since it takes the database away from everyone).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(ls /etc/postgresql | sort -V | tail -n 1)
export HASONE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/test"
export HASONE_TEST_PG_CTL="pg_ctlcluster --skip-systemctl-redirect $version main"
cargo test --locked -p hasone-tests --test fault -- --include-ignored 2>&1 | tee target/fault.log
cat target/fault.txt
