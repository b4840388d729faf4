#!/usr/bin/env bash
# Stop the daemons started by start-rgw.sh in $RGW_BASE, by PID file only; --wipe also deletes that dir.
BASE=${RGW_BASE:?set RGW_BASE to the dir start-rgw.sh used}
# running = exists, not a zombie, and really one of our daemons (guards against stale pid files)
running() {
  local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && grep -qE '^(ceph-mon|ceph-osd|radosgw)$' "/proc/$1/comm" 2>/dev/null
}
# in order: radosgw first (it stalls ~5 s on shutdown if the OSD/mon are already gone)
for n in client.rgw.test osd.0 mon.a; do
  p=$(cat "$BASE/run/$n.pid" 2>/dev/null) || continue
  running "$p" || continue
  kill -TERM "$p"
  for i in $(seq 1 100); do running "$p" || break; sleep 0.1; done   # up to 10 s
  running "$p" && kill -KILL "$p"
done
rm -f "$BASE"/run/*.pid
[ "${1:-}" = "--wipe" ] && rm -rf "$BASE"
exit 0
