#!/bin/sh
# net-lan.sh — one local network on this machine, for tests in which members lose the network
# for real. Needs root and iproute2.
#
#   net-lan.sh N -- COMMAND [ARGS...]
#
# COMMAND runs in a fresh network + mount namespace that holds the network's switch (a bridge
# at 10.77.0.1, where the test puts the app's server and the MQTT broker). Member k (k = 1..N) is
# the named namespace "mk" with the address 10.77.0.1k on link "ek"; $LAN_BIN/chromium-mk is a
# Chromium that lives there. `ip netns exec mk ip link set ek down` cuts member k off as a phone
# loses its signal (WebRTC links break too, unlike playwright's setOffline); `up` plus the
# default route brings it back. Nothing can leave the machine: the namespaces have no link to
# the host's network.
set -eu
[ "$(id -u)" = 0 ] || { echo "net-lan.sh: needs root (network namespaces)" >&2; exit 2; }
if [ -z "${NET_LAN_INSIDE:-}" ]; then
  export NET_LAN_INSIDE=1
  exec unshare -n -m --propagation private sh -c \
    'mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && exec "$0" "$@"' "$0" "$@"
fi
n=$1; shift
[ "${1:-}" = "--" ] && shift
ip link set lo up
ip link add br0 type bridge
ip addr add 10.77.0.1/24 dev br0
ip link set br0 up
LAN_BIN=$(mktemp -d); export LAN_BIN
for k in $(seq 1 "$n"); do
  ip netns add "m$k"
  ip link add "b$k" type veth peer name "e$k"
  ip link set "b$k" master br0
  ip link set "b$k" up
  ip link set "e$k" netns "m$k"
  ip netns exec "m$k" sh -c "ip link set lo up; ip addr add 10.77.0.1$k/24 dev e$k;
    ip link set e$k up; ip route add default via 10.77.0.1"
  printf '#!/bin/sh\nexec ip netns exec m%s /usr/bin/chromium "$@"\n' "$k" > "$LAN_BIN/chromium-m$k"
  chmod +x "$LAN_BIN/chromium-m$k"
done
export LAN_HOST=10.77.0.1 LAN_COUNT=$n
unset NET_LAN_INSIDE
exec "$@"
