#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Two ntag424-verifyd processes on one private PostgreSQL (scripts/pg-rig.sh
# exports PROVISIO_PG_URI): the same URL raced through both is valid once,
# the keystore's PostgreSQL is the counter store, and a stopped database
# gives store_error (503) without accepting anything.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"
[ -n "${PROVISIO_PG_URI:-}" ] || { echo "no PROVISIO_PG_URI"; exit 77; }
DB=$PROVISIO_PG_URI

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
COIN=$(fx provision "$DB" "$KEK" game-coin "$DIR/coin.tag")
fx tap "$DIR/sc.tag" 4 >"$DIR/sc.urls"
fx tap "$DIR/coin.tag" 2 >"$DIR/coin.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --per-tag-meta-keys yes
A=$BASE A_PID=$SERVER_PID
SERVER_PID=""
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --per-tag-meta-keys yes
B=$BASE B_PID=$SERVER_PID
stop_both() { kill -TERM "$A_PID" "$B_PID" 2>/dev/null; wait "$A_PID" "$B_PID" 2>/dev/null; }
trap 'stop_both; cleanup' EXIT

BASE=$A
expect pg_valid_on_a 200 "\"uid\":\"$SC\",\"counter\":1," "$(sc 1)"
BASE=$B
expect pg_replay_on_b 409 '"verdict":"replay"' "$(sc 1)"
expect pg_coin_on_b 200 "\"uid\":\"$COIN\",\"counter\":1," "$(pq "$(sed -n 1p "$DIR/coin.urls")")"

# 32 identical requests on each server at once: exactly one valid.
U=$(sc 2)
pids=""
i=0
while [ $i -lt 32 ]; do
	for s in "$A" "$B"; do
		curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' \
		    "$s$U" >"$DIR/race.$i.${s##*:}" &
		pids="$pids $!"
	done
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
n200=$(cat "$DIR"/race.* | grep -c '^200$')
n409=$(cat "$DIR"/race.* | grep -c '^409$')
[ "$n200" -eq 1 ] && [ "$n409" -eq 63 ] && ok pg_race_two_servers_one_valid ||
    bad "pg_race: $n200 valid, $n409 replay"

# The database goes away: 503 store_error with a reason, nothing accepted,
# and the server still answers.
PGDIR=$(printf '%s' "$DB" | sed 's/.*host=\([^&]*\).*/\1/')
PGPID=$(head -n 1 "$PGDIR/data/postmaster.pid")
kill -STOP "$PGPID"
# A stopped postmaster still accepts on its socket; kill the backends too.
for p in $(pgrep -P "$PGPID"); do kill -STOP "$p"; done
BASE=$A
curl -s --max-time 30 -o "$DIR/body.bg" -w '%{http_code}' \
    -H 'Accept: application/json' "$BASE$(sc 3)" >"$DIR/code.bg" &
GETPID=$!
sleep 1
for p in $(pgrep -P "$PGPID"); do kill -KILL "$p" 2>/dev/null; done
kill -CONT "$PGPID"
wait "$GETPID"
CODE=$(cat "$DIR/code.bg")
if [ "$CODE" = 503 ] && grep -q '"verdict":"store_error","reason":"the service cannot check tags' "$DIR/body.bg" &&
    grep -q 'request [0-9a-f]*: store_error: the counter store failed' "$DIR/server.log"
then
	ok pg_down_store_error
else
	bad "pg_down: HTTP $CODE $(cat "$DIR/body.bg")"
fi
expect pg_healthz_still 200 ok /healthz
# PostgreSQL restarts its backends after the kill; wait until it serves.
i=0
while [ $i -lt 50 ]; do
	get "$(sc 3)"
	[ "$CODE" = 503 ] || break
	sleep 0.2
	i=$((i + 1))
done
# Reconnected; the URL refused with 503 was not accepted: valid now, once.
[ "$CODE" = 200 ] && ok pg_after_outage_valid || bad "pg_after_outage: $CODE $BODY"
expect pg_after_outage_replay 409 '"verdict":"replay"' "$(sc 3)"
expect pg_after_outage_next 200 '"counter":4,' "$(sc 4)"
finish
