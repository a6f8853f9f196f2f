#!/bin/sh
# Installs the npm dependencies from the lock file when they are missing (a fresh clone).
# `npm install`, not `npm ci`: npm 11 writes cbor-extract's optional platform packages into
# the lock without entries of their own and then refuses `npm ci` ("Missing ... from lock
# file"); `npm install` installs the same locked versions.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
