#!/bin/bash
# The scale benchmark of issue 24 (BENCHMARKS.md): a PostgreSQL cluster on /tmp/pgload (see there).
# usage: scalesign.sh BIN ROUNDS -> signing on the seeded DB "scale" (server in /tmp/scale-scale, its key) vs a fresh empty DB, interleaved
BIN=$1; R=${2:-3}
PG=/usr/lib/postgresql/15/bin
cd /tmp
su postgres -c "$PG/dropdb -h /tmp/pgload empty 2>/dev/null; $PG/createdb -h /tmp/pgload empty"
start() { # db port
  d=/tmp/scale-$1; mkdir -p $d; cd $d
  [ $1 = empty ] && rm -f renovote.key renovote.seal renovote.witness
  DATABASE_URL="postgres://postgres@/$1?host=/tmp/pgload&sslmode=disable" RENOVOTE_ADMIN_PASSWORD=secret-pass-123 RENOVOTE_RATE_SIGN=100000 \
    $BIN serve --addr 127.0.0.1:$2 > serve.log 2>&1 &
  echo $! > pid; cd /tmp
  for i in $(seq 100); do curl -s 127.0.0.1:$2/healthz >/dev/null && break; sleep 0.3; done
}
sign() { RENOVOTE_ADMIN_PASSWORD=secret-pass-123 $BIN load --url http://127.0.0.1:$1 --households 1000 --clients 32 2>&1 | grep "吞吐\|失败：\|错误"; }
start scale 18101; start empty 18102
for i in $(seq $R); do   # ABBA: odd rounds empty first, even rounds seeded first
  if [ $((i % 2)) = 1 ]; then order="empty:18102 seeded:18101"; else order="seeded:18101 empty:18102"; fi
  for o in $order; do echo "== ${o%%:*} $i $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"; sign ${o##*:}; done
done
echo "== done $(date +%T)"
kill $(cat /tmp/scale-scale/pid) $(cat /tmp/scale-empty/pid); wait 2>/dev/null
