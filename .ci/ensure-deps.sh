#!/bin/sh
# Installs the npm dependencies from the lock file when they are missing (a fresh clone).
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
