#!/usr/bin/env bash
# GraphQL over HTTP compliance: graphql-http's server audit (npm package
# `graphql-http`, pinned in .ci/audit/package-lock.json) against the real
# server on a free port, SQLite in a throwaway directory.
# Prints every audit and its result; fails when a MUST audit fails (SHOULD
# and MAY failures are printed, see docs/compliance.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n==> %s\n' "$*"; }

step "graphql-http audit: build"
# The binary `cargo test --workspace` built (a no-op after it): `cargo build
# -p hasone-server` would build its dependencies again with other features.
cargo test --workspace --locked --no-run --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/hasone"

step "graphql-http audit: npm ci"
npm ci --prefix .ci/audit --no-audit --no-fund --loglevel=error

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- last server log lines ---" >&2
    tail -n 40 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the server and waits for /health (a new port if the first is taken).
start_server() {
  local attempt
  for attempt in 1 2 3; do
    PORT=$(free_port)
    HASONE_ADDR="127.0.0.1:$PORT" \
      DATABASE_URL="sqlite://$WORK/x.sqlite?mode=rwc" \
      HASONE_SEED_USERS=10 \
      "$BIN" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 120); do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
        echo "server exited during start (attempt $attempt):" >&2
        tail -n 20 "$WORK/server.log" >&2
        break
      fi
      if curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"; then
        echo "server up at http://127.0.0.1:$PORT (pid $SERVER_PID)"
        return 0
      fi
      sleep 0.5
    done
    if [ -n "$SERVER_PID" ]; then
      echo "server did not answer /health within 60s" >&2
      return 1
    fi
    rm -f "$WORK"/x.sqlite*
  done
  return 1
}

step "graphql-http audit: start the server"
start_server

step "graphql-http audit: node .ci/audit/run.mjs http://127.0.0.1:$PORT/graphql"
mkdir -p target
audit_rc=0
node .ci/audit/run.mjs "http://127.0.0.1:$PORT/graphql" \
  --markdown target/graphql-http-audit.md || audit_rc=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "graphql-http audit: the server died during the audit" >&2
  exit 1
fi
if grep -q 'panicked' "$WORK/server.log"; then
  echo "graphql-http audit: the server panicked:" >&2
  grep -A 5 'panicked' "$WORK/server.log" >&2
  exit 1
fi
exit "$audit_rc"
