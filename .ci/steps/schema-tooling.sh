#!/usr/bin/env bash
# Frontend tooling against a live server (examples/frontend):
#   graphql-inspector  the committed schema.graphql equals the server's
#                      introspection (any difference fails, not only breaking ones)
#   graphql-codegen    types for examples/frontend/*.graphql, validated
#                      against the live schema
#   tsc --noEmit       the code using those types type-checks
# Every tool sends `graphql-require-preflight: 1` with its JSON POSTs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

# The binary `cargo test --workspace` built (a no-op after it): `cargo build
# -p hasone-server` would build its dependencies again with other features.
cargo test --workspace --locked --no-run --quiet
binary="${CARGO_TARGET_DIR:-$root/target}/debug/hasone"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
url="http://127.0.0.1:$port"
HASONE_ADDR="127.0.0.1:$port" \
  DATABASE_URL="sqlite://$work/hasone.sqlite?mode=rwc" \
  HASONE_SEED_USERS=5 \
  RUST_LOG=warn \
  "$binary" serve >"$work/server.log" 2>&1 &
server_pid=$!

up=""
for _ in $(seq 120); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/health"; then
    up=1
    break
  fi
  sleep 0.5
done
if [ -z "$up" ]; then
  echo "the server did not come up on $url:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
echo "server at $url"

cd examples/frontend
npm ci --no-audit --no-fund --loglevel=error
export HASONE_GRAPHQL_URL="$url/graphql" NO_COLOR=1 FORCE_COLOR=0

echo "--> graphql-inspector diff schema.graphql $HASONE_GRAPHQL_URL"
status=0
diff_output=$(npx --no-install graphql-inspector diff ../../schema.graphql "$HASONE_GRAPHQL_URL" \
  --header 'graphql-require-preflight: 1' 2>&1) || status=$?
printf '%s\n' "$diff_output"
if [ "$status" -ne 0 ] || ! grep -q 'No changes detected' <<<"$diff_output"; then
  echo "schema.graphql differs from the server's schema; regenerate it:" >&2
  echo "  cargo run -q -- print-schema > schema.graphql" >&2
  exit 1
fi

echo "--> graphql-codegen"
npx --no-install graphql-codegen --config codegen.ts
echo "--> tsc --noEmit"
npx --no-install tsc --noEmit
echo "schema tooling: no schema differences, types generated, type check passed"
