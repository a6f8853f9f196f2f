#!/bin/sh
# Runs a command in a private network namespace (root only): loopback up, plus a veth pair
# with addresses and a default route so Chromium gathers WebRTC candidates. Nothing sent inside
# can leave the machine. Without root it runs the command as it is.
set -eu
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
  echo "in-netns: not root (or no unshare): running without a private network namespace." >&2
  exec "$@"
fi
exec unshare -n sh -c '
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.231.0.1/24 dev v0
  ip addr add 10.231.0.2/24 dev v1
  ip link set v0 up
  ip link set v1 up
  ip route add default via 10.231.0.2 dev v0
  exec "$@"' sh "$@"
