#!/bin/sh
# `npm run bench`, coming back after a cut: the come-back tests of tests/lan (one network) and
# tests/homes (direct and relayed across homes), each with TEND_COMEBACK_ROUNDS cuts (5 unless
# set), keep their link back → synced times; comeBackFigures.ts prints medians and the slowest
# beside their targets. Needs root (network namespaces), like the lanes; uses the build in dist.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench-comeback: cutting links needs root (network namespaces)" >&2; exit 2; }
mkdir -p build/bench
out=$(pwd)/build/bench/comeBack.jsonl
rm -f "$out"
export TEND_COMEBACK_OUT="$out" TEND_COMEBACK_ROUNDS="${TEND_COMEBACK_ROUNDS:-5}"
sh .ci/net-lan.sh 3 -- npx vitest run --project lan
sh .ci/net-homes.sh --nat cone,cone,symmetric -- npx vitest run --project homes tests/homes/comeBack.spec.ts
npx tsx tests/bench/comeBackFigures.ts "$out"
