#!/bin/sh
# `npm start`: install what is missing, build the PWA, and serve it with the signaling broker.
set -eu
cd "$(dirname "$0")/.."
sh .ci/ensure-deps.sh
npx vite build
exec npx tsx src/signal/main.ts "$@"
