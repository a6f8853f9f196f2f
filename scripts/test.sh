#!/bin/sh
# `npm test`: everything, on a fresh clone. Installs dependencies and Debian's Chromium when
# missing, checks format, types and lint, builds the PWA, then runs the unit and browser tests.
# As root, the tests run inside a private network namespace (a veth pair with an address and a
# default route, so WebRTC gathers candidates and nothing leaves the machine).
# Ends with the line "tests: N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
sh scripts/ensure-chromium.sh
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
npx tsc -p tsconfig.json
npx eslint .
npx vite build >/dev/null
mkdir -p .test-output
rm -f .test-output/*.json
status=0
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
  unshare -n sh -c '
    ip link set lo up
    ip link add v0 type veth peer name v1
    ip addr add 10.231.0.1/24 dev v0
    ip addr add 10.231.0.2/24 dev v1
    ip link set v0 up
    ip link set v1 up
    ip route add default via 10.231.0.2 dev v0
    exec npx vitest run --reporter=default --reporter=json --outputFile=.test-output/main.json' || status=$?
else
  echo "Not root: running the browser tests without a private network namespace." >&2
  npx vitest run --reporter=default --reporter=json --outputFile=.test-output/main.json || status=$?
fi
node scripts/test-summary.mjs .test-output/*.json || status=1
exit $status
