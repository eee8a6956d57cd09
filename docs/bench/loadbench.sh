#!/bin/bash
# The signing load test (BENCHMARKS.md): a fresh database, one server, renovote load.
# usage: loadbench.sh BIN DB(sqlite|postgres) PORT -> prints the load summary line
BIN=$1; DB=$2; PORT=$3
dir=$(mktemp -d)
cd $dir
if [ "$DB" = postgres ]; then
  su postgres -c "/usr/lib/postgresql/15/bin/dropdb -h /tmp/pgload load 2>/dev/null; /usr/lib/postgresql/15/bin/createdb -h /tmp/pgload load"
  export DATABASE_URL='postgres://postgres@/load?host=/tmp/pgload&sslmode=disable'
else
  unset DATABASE_URL
fi
RENOVOTE_ADMIN_PASSWORD=secret-pass-123 RENOVOTE_RATE_SIGN=100000 $BIN serve --addr 127.0.0.1:$PORT > serve.log 2>&1 &
SPID=$!
for i in $(seq 50); do curl -s 127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
RENOVOTE_ADMIN_PASSWORD=secret-pass-123 $BIN load --url http://127.0.0.1:$PORT --households 1000 --clients 32 2>&1 | tail -4
grep VmHWM /proc/$SPID/status
kill $SPID; wait $SPID 2>/dev/null
cd /; rm -rf $dir
