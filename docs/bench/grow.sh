#!/bin/bash
# The growing-database comparison of BENCHMARKS.md (2026-12-06): PostgreSQL cluster on /tmp/pgload.
# usage: grow.sh BIN_A BIN_B ROUNDS -> each binary on its own fresh database; each round adds a
# 1000-household project and signs it (32 clients), the two loaded in turn (ABBA).
A=$1; B=$2; R=${3:-4}
PG=/usr/lib/postgresql/15/bin
for n in a b; do su postgres -c "$PG/dropdb -h /tmp/pgload grow_$n 2>/dev/null; $PG/createdb -h /tmp/pgload grow_$n"; done
start() { d=/tmp/grow-$1; rm -rf $d; mkdir -p $d; cd $d
  DATABASE_URL="postgres://postgres@/grow_$1?host=/tmp/pgload&sslmode=disable" RENOVOTE_ADMIN_PASSWORD=secret-pass-123 RENOVOTE_RATE_SIGN=100000 RENOVOTE_RATE_LOGIN=100 \
    $2 serve --addr 127.0.0.1:$3 > serve.log 2>&1 & echo $! > pid; cd /tmp
  for i in $(seq 100); do curl -s 127.0.0.1:$3/healthz >/dev/null && break; sleep 0.2; done; }
sign() { RENOVOTE_ADMIN_PASSWORD=secret-pass-123 $1 load --url http://127.0.0.1:$2 --households 1000 --clients 32 2>&1 | grep "吞吐" | sed 's/，延迟.*//'; }
start a $A 18141; start b $B 18142
for i in $(seq $R); do
  if [ $((i % 2)) = 1 ]; then order="a b"; else order="b a"; fi
  for o in $order; do if [ $o = a ]; then echo "$i A $(sign $A 18141)"; else echo "$i B $(sign $B 18142)"; fi; done
done
kill $(cat /tmp/grow-a/pid) $(cat /tmp/grow-b/pid); wait 2>/dev/null
