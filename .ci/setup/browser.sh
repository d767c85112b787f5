#!/usr/bin/env bash
# What tests/browser (GraphiQL in headless Chromium) needs: Debian's
# chromium and chromium-driver, node, and the playwright-core package
# pinned in tests/browser/package-lock.json. .ci/run sets
# HASONE_TEST_REQUIRE_BROWSER=1, so a missing piece fails the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s chromium-driver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version
echo "node $(node --version), npm $(npm --version)"

# playwright-core downloads no browser: the test uses /usr/bin/chromium.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
