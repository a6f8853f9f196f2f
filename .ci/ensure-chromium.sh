#!/bin/sh
# Installs Debian's Chromium (and the network tools the sync tests use) when missing.
# Browser tests never download a browser of their own.
set -eu
# As a normal user only Chromium is needed: the lanes that need the network tools (and root)
# are skipped, and the summary line says so.
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
if [ "$(id -u)" != 0 ]; then
  [ -z "$need" ] && exit 0
  echo "Missing:$need — install it (as root: apt-get install -y$need)" >&2
  exit 1
fi
command -v nft >/dev/null 2>&1 || need="$need nftables"
command -v turnserver >/dev/null 2>&1 || need="$need coturn"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
[ -z "$need" ] && exit 0
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
# Debian starts coturn as a service on install; the tests run their own.
(systemctl stop coturn 2>/dev/null || service coturn stop 2>/dev/null || true) >/dev/null 2>&1
