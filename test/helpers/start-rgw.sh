#!/usr/bin/env bash
# A private, throw-away S3 server for Strata's tests: single-node Ceph (1 mon + 1 memstore OSD, no mgr) +
# radosgw (beast), everything under $RGW_BASE. Derived from ../shared/recipes/radosgw. Debian 12 packages:
# ceph-mon ceph-osd radosgw ceph-common curl (installed by .ci/run). No systemd needed.
# Tests call it through test/helpers/s3-server.ts with a temp dir and random ports; stop with stop-rgw.sh.
#   RGW_BASE=/tmp/x RGW_PORT=17480 MON_PORT=16789 test/helpers/start-rgw.sh
set -euo pipefail

BASE=${RGW_BASE:?set RGW_BASE to a private temp dir (everything lives there)}
RGW_PORT=${RGW_PORT:?set RGW_PORT to a free port}
MON_PORT=${MON_PORT:?set MON_PORT to a free port}
ACCESS_KEY=${RGW_ACCESS_KEY:-test-access-key}
SECRET_KEY=${RGW_SECRET_KEY:-test-secret-key}
# memstore capacity: object data is held in RAM, so tests keep objects small (the benchmark raises this)
OSD_BYTES=${OSD_BYTES:-$((1024 * 1024 * 1024))}
LC_DEBUG_INTERVAL=${RGW_LC_DEBUG_INTERVAL:-0}         # >0: one lifecycle "day" = N seconds
case "$(realpath -m "$BASE")" in /|"$HOME"|/tmp|/var|/usr|/etc) echo "refusing RGW_BASE=$BASE: it is wiped on start" >&2; exit 2 ;; esac
CONF=$BASE/ceph.conf
ENDPOINT=http://127.0.0.1:$RGW_PORT
HERE=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s.%N)
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
step() { [ -z "${TRACE:-}" ] || echo "$(elapsed)s $*"; }

alive() {  # pid file names a live (non-zombie) process
  local p st; p=$(cat "$BASE/run/$1.pid" 2>/dev/null) || return 1
  st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null); [ -n "$st" ] && [ "$st" != Z ]
}

# idempotent: if everything is already up and answering, do nothing (never touches another BASE)
if alive mon.a && alive osd.0 && alive client.rgw.test &&
   curl -fsS -o /dev/null "$ENDPOINT/" 2>/dev/null; then
  echo "already running: $ENDPOINT"; exit 0
fi
"$HERE/stop-rgw.sh" >/dev/null 2>&1 || true
rm -rf "$BASE"
mkdir -p "$BASE"/{run,log,mon.a,osd.0,rgw}

FSID=$(cat /proc/sys/kernel/random/uuid)
cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $BASE/keyring
run dir = $BASE/run
pid file = $BASE/run/\$name.pid
admin socket = $BASE/run/\$name.asok
log file = $BASE/log/\$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon allow pool delete = true
paxos propose interval = 0.05
mon warn on insecure global id reclaim allowed = false
mon warn on insecure global id reclaim = false
mon data avail warn = 2
mon data avail crit = 1
mon osd full ratio = .99
mon osd nearfull ratio = .97
mon osd backfillfull ratio = .98
osd failsafe full ratio = .995
[client]
admin socket = $BASE/run/\$name.\$pid.asok
[mon]
mon data = $BASE/mon.\$id
[osd]
osd data = $BASE/osd.\$id
osd objectstore = memstore
memstore device bytes = $OSD_BYTES
# no mon commands from OSD init (with auth=none they can race the monmap -> 'wrong fsid');
# the OSD is put into the CRUSH map by this script instead
osd crush update on start = false
osd class update on start = false
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $BASE/rgw
rgw crypt require ssl = false
EOF
[ "$LC_DEBUG_INTERVAL" -gt 0 ] && echo "rgw lc debug interval = $LC_DEBUG_INTERVAL" >> "$CONF"
C=(-c "$CONF")

step config written
# monitor
ceph-authtool --create-keyring "$BASE/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v1:127.0.0.1:$MON_PORT]" "$BASE/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$BASE/monmap" --keyring "$BASE/keyring"
ceph-mon "${C[@]}" -i a
timeout 30 ceph "${C[@]}" --connect-timeout 30 mon stat >/dev/null
step mon up

# OSD (memstore: data lives in RAM, nothing on disk besides a few meta files)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
printf 'osd new %s\nosd crush add osd.0 1.0 root=default\n' "$OSD_UUID" | ceph "${C[@]}" >/dev/null 2>&1
step osd id allocated
ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$OSD_UUID" 2>>"$BASE/log/start.err"
ceph-osd "${C[@]}" -i 0 2>>"$BASE/log/start.err"
step osd started
for i in $(seq 1 120); do
  ceph "${C[@]}" osd dump 2>/dev/null | grep -q '^osd\.0 up' && break; sleep 0.25
done
ceph "${C[@]}" osd dump | grep -q '^osd\.0 up' || { echo "osd.0 not up; see $BASE/log" >&2; exit 1; }

step osd up
# pre-create the pools radosgw would otherwise create lazily on first bucket/object/multipart
# request (each lazy creation costs the first S3 request ~1-2 s)
POOLS="default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec default.rgw.cold.data"
for p in $POOLS; do
  echo "osd pool create $p 8 8"; echo "osd pool application enable $p rgw"
done | ceph "${C[@]}" >/dev/null 2>&1
step pools created
# zone/zonegroup + user (radosgw-admin creates the default realm-less zone and pools)
timeout 60 radosgw-admin "${C[@]}" user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >/dev/null
# extra storage classes (for StorageClass=... puts and lifecycle transitions); all share one pool
for sc in ${RGW_STORAGE_CLASSES:-STANDARD_IA GLACIER}; do
  radosgw-admin "${C[@]}" zonegroup placement add --rgw-zonegroup default \
    --placement-id default-placement --storage-class "$sc" >/dev/null
  radosgw-admin "${C[@]}" zone placement add --rgw-zone default --placement-id default-placement \
    --storage-class "$sc" --data-pool default.rgw.cold.data >/dev/null
done
step user + storage classes
# gateway
radosgw "${C[@]}" -n client.rgw.test
for i in $(seq 1 240); do
  curl -fsS -o /dev/null "$ENDPOINT/" 2>/dev/null && break; sleep 0.25
done
curl -fsS -o /dev/null "$ENDPOINT/" || { echo "rgw did not come up; see $BASE/log" >&2; exit 1; }
echo "ready: $ENDPOINT (access=$ACCESS_KEY) in $(elapsed)s"
