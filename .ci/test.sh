#!/bin/sh
# `npm test`: everything, on a fresh clone. Installs dependencies and Debian's Chromium when
# missing, checks format, types and lint, builds the PWA, then runs the unit and browser tests.
# As root, the tests run inside a private network namespace (a veth pair with an address and a
# default route, so WebRTC gathers candidates and nothing leaves the machine).
# Ends with the line "tests: N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh .ci/ensure-deps.sh
sh .ci/ensure-chromium.sh
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
npx tsc -p tsconfig.json
npx eslint .
npx vite build >/dev/null
mkdir -p .test-output
rm -f .test-output/*.json
status=0
sh .ci/in-netns.sh npx vitest run --project unit --project e2e --reporter=default --reporter=json --outputFile=.test-output/main.json || status=$?
node .ci/test-summary.mjs .test-output/*.json || status=1
exit $status
