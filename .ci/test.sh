#!/bin/sh
# `npm test`: everything, on a fresh clone. Installs dependencies and Debian's Chromium when
# missing, checks format, types and lint, builds the PWA, then runs the unit and browser tests.
# As root, the tests run inside a private network namespace (a veth pair with an address and a
# default route, so WebRTC gathers candidates and nothing leaves the machine), members who lose
# the network run on the local network of .ci/net-lan.sh, and the homes behind NAT run on the
# simulated internet of .ci/net-homes.sh.
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
skipped=""
sh .ci/in-netns.sh npx vitest run --project unit --project e2e --reporter=default --reporter=json --outputFile=.test-output/main.json || status=$?
# Members who lose the network for real on one local network (tests/lan): each device's
# Chromium in a network namespace of its own, its link taken down and up. Needs root.
if [ "$(id -u)" = 0 ]; then
  sh .ci/net-lan.sh 3 -- npx vitest run --project lan --reporter=default --reporter=json --outputFile=.test-output/lan.json || status=$?
else
  skipped="$skipped lan"
  echo "tests/lan not run: cutting a member's network needs root (network namespaces)." >&2
fi
# Members in different homes behind NAT routers (tests/homes): a simulated internet of network
# namespaces, with coturn and the community host on it. Needs root, as CI runs.
if [ "$(id -u)" = 0 ] && command -v turnserver >/dev/null 2>&1 && command -v nft >/dev/null 2>&1; then
  sh .ci/net-homes.sh --nat cone,cone,symmetric -- npx vitest run --project homes --reporter=default --reporter=json --outputFile=.test-output/homes.json || status=$?
else
  skipped="$skipped homes"
  echo "tests/homes not run: the simulated internet needs root (network namespaces), nftables and coturn." >&2
fi
TEND_LANES_SKIPPED="$skipped" node .ci/test-summary.mjs .test-output/*.json || status=1
exit $status
