#!/usr/bin/env bash
# Property-based fuzzing of the GraphQL API with Schemathesis (PyPI,
# pinned with its dependencies in .ci/fuzz/requirements.txt) in GraphQL
# mode, against the real server on a free port, SQLite in a throwaway
# directory (mutations included). Bounded: the fuzzing phase only, at most
# FUZZ_MAX_EXAMPLES (15) cases per query or mutation field (28 fields), and
# FUZZ_TIME_LIMIT (600) seconds. Fails on any 5xx, server-side GraphQL error
# (INTERNAL, TIMEOUT, no or unknown code), malformed response, SQL in an
# error message, accepted invalid input, or a server that died or panicked.
# Ends with `fuzz: N cases, M failures`.
set -euo pipefail
# The server must serve the standard introspection query: no SDL fallback.
export FUZZ_REQUIRE_INTROSPECTION="${FUZZ_REQUIRE_INTROSPECTION:-1}"
cd "$(dirname "$0")/../.."

step() { printf '\n==> %s\n' "$*"; }

step "fuzz: build"
# The binary `cargo test --workspace` built (a no-op after it): `cargo build
# -p hasone-server` would build its dependencies again with other features.
cargo test --workspace --locked --no-run --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/hasone"

step "fuzz: pip install -r .ci/fuzz/requirements.txt"
VENV="${CARGO_TARGET_DIR:-target}/fuzz-venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r .ci/fuzz/requirements.txt

WORK=$(mktemp -d)
SERVER_PID=
SHOW_LOG=1
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ "$SHOW_LOG" = 1 ] && [ -f "$WORK/server.log" ]; then
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

step "fuzz: start the server"
start_server
"$BIN" print-schema >"$WORK/schema.graphql"

step "fuzz: schemathesis against http://127.0.0.1:$PORT/graphql"
fuzz_rc=0
rm -rf target/fuzz-report
timeout --kill-after=10 "${FUZZ_TIME_LIMIT:-600}" \
  "$VENV/bin/python" .ci/fuzz/run.py "http://127.0.0.1:$PORT/graphql" \
  --sdl "$WORK/schema.graphql" \
  --report-dir target/fuzz-report \
  --max-examples "${FUZZ_MAX_EXAMPLES:-15}" || fuzz_rc=$?
if [ "$fuzz_rc" -eq 124 ] || [ "$fuzz_rc" -eq 137 ]; then
  echo "fuzz: time limit of ${FUZZ_TIME_LIMIT:-600}s reached" >&2
fi

# No crash: the server is still up, answers, and logged no panic and no
# internal error.
crashes=0
if ! kill -0 "$SERVER_PID" 2>/dev/null || ! curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"; then
  echo "fuzz: FAILURE the server is no longer up after fuzzing"
  crashes=$((crashes + 1))
fi
if grep -E 'panicked|internal error' "$WORK/server.log"; then
  echo "fuzz: FAILURE the server log shows a panic or an internal error (above)"
  crashes=$((crashes + 1))
fi
if [ "$fuzz_rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
  echo "--- last server log lines ---"
  tail -n 40 "$WORK/server.log" || true
  SHOW_LOG=0
fi

# run.py leaves "CASES FAILURES" in summary.txt; none if it was killed.
read -r cases failures <target/fuzz-report/summary.txt 2>/dev/null || { cases=0; failures=1; }
failures=$((failures + crashes))
if [ "$fuzz_rc" -ne 0 ] && [ "$failures" -eq 0 ]; then failures=1; fi
echo "fuzz: $cases cases, $failures failures"
[ "$failures" -eq 0 ]
