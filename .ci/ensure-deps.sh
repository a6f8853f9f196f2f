#!/bin/sh
# Installs the npm dependencies exactly as the lock file has them when they are missing (a
# fresh clone) or older than the lock. `npm ci` needs a lock that lists every package: the
# `overrides` entry in package.json pins cbor-extract (optional, through automerge-repo's
# cbor-x) to 2.2.2, whose platform packages the registry has (those of 2.2.3 are missing, so
# the lock had no entries for them and `npm ci` refused it).
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
