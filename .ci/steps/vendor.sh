#!/usr/bin/env bash
# The patched crates in vendor/ are the published crates plus their patch,
# nothing else: download each .crate from crates.io, check its sha256,
# apply the patch and compare with the vendored tree (vendor/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

check() { # check NAME VERSION SHA256
  local name=$1 version=$2 sha=$3 work
  work=$(mktemp -d)
  curl -sSfL --retry 3 -o "$work/$name.crate" \
    "https://static.crates.io/crates/$name/$name-$version.crate"
  echo "$sha  $work/$name.crate" | sha256sum -c --quiet
  tar xzf "$work/$name.crate" -C "$work"
  (cd "$work/$name-$version" && patch -p1 --quiet --no-backup-if-mismatch <"$OLDPWD/vendor/$name.patch")
  if ! diff -r "$work/$name-$version" "vendor/$name" >"$work/diff"; then
    cat "$work/diff" >&2
    echo "vendor/$name differs from $name $version + vendor/$name.patch" >&2
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  echo "vendor/$name = $name $version (sha256 ${sha:0:12}…) + vendor/$name.patch"
}

check async-graphql 7.2.1 1057a9f7ccf2404d94571dec3451ade1cb524790df6f1ada0d19c2a49f6b0f40
