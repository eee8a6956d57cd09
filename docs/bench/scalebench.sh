#!/bin/bash
# The scale benchmark of issue 24 (BENCHMARKS.md): a PostgreSQL cluster on /tmp/pgload (see there).
# usage: scalebench.sh BIN PROJECTS PER -> seeds DB scale, measures signing vs a fresh empty DB (interleaved)
BIN=$1; N=${2:-2000}; PER=${3:-24}
PG=/usr/lib/postgresql/15/bin
cd /tmp
for db in scale empty; do su postgres -c "$PG/dropdb -h /tmp/pgload $db 2>/dev/null; $PG/createdb -h /tmp/pgload $db"; done
start() { # db port
  d=/tmp/scale-$1; rm -rf $d; mkdir -p $d; cd $d
  DATABASE_URL="postgres://postgres@/$1?host=/tmp/pgload&sslmode=disable" RENOVOTE_ADMIN_PASSWORD=secret-pass-123 RENOVOTE_RATE_SIGN=100000 \
    $BIN serve --addr 127.0.0.1:$2 > serve.log 2>&1 &
  echo $! > pid; cd /tmp
  for i in $(seq 50); do curl -s 127.0.0.1:$2/healthz >/dev/null && break; sleep 0.2; done
}
sign() { RENOVOTE_ADMIN_PASSWORD=secret-pass-123 $BIN load --url http://127.0.0.1:$1 --households 1000 --clients 32 2>&1 | grep 吞吐; }
start scale 18101
echo "== seeding $N x $PER $(date +%T)"
/usr/bin/time -f "seed wall %e s, client cpu %U+%S s" env RENOVOTE_ADMIN_PASSWORD=secret-pass-123 $BIN load --url http://127.0.0.1:18101 --seed-projects $N --households-per $PER --clients 32
su postgres -c "$PG/psql -h /tmp/pgload -d scale -Atc \"SELECT 'events', count(*) FROM audit_events; SELECT 'projects', count(*) FROM projects; SELECT 'households', count(*) FROM households; SELECT 'db size', pg_size_pretty(pg_database_size('scale'))\""
su postgres -c "$PG/psql -h /tmp/pgload -d scale -c 'VACUUM ANALYZE'" >/dev/null
start empty 18102
for i in 1 2 3; do
  echo "== empty $i $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"; sign 18102
  echo "== seeded $i $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"; sign 18101
done
echo "== done $(date +%T)"
kill $(cat /tmp/scale-scale/pid) $(cat /tmp/scale-empty/pid); wait 2>/dev/null
