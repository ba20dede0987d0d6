#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Slowloris: 2,000 connections from 127.0.0.2 that trickle one header byte
# every half second and never finish their header, opened again as soon
# as the server closes them. Meanwhile 20 first taps from 127.0.0.1 must
# each be answered valid, and once the attacker stops reconnecting, the
# server must close every connection it still holds (the header deadline:
# the trickle resets libmicrohttpd's idle timeout at every byte). Counts,
# not times: speed under attack is bench/verifyd/slowloris.sh's.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 20 >"$DIR/sc.urls"

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn --header-timeout 2 --metrics-listen 127.0.0.1:0

python3 "$HERE/trickle.py" 127.0.0.1 "$PORT" 2000 "$DIR/stop" \
    >"$DIR/trickle.out" 2>&1 &
TPID=$!
i=0
until grep -q '^ready' "$DIR/trickle.out"; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 "$TPID" 2>/dev/null; then
		bad "trickle did not start: $(cat "$DIR/trickle.out")"
		touch "$DIR/stop"
		finish
		exit 1
	fi
	sleep 0.1
done
# The attacker's connections come and go (closed at the deadline, opened
# again): look until some are held.
i=0
held=0
while [ "$held" -lt 1 ] && [ $i -lt 200 ]; do
	held=$(ss -Htn state established "( sport = :$PORT )" dst 127.0.0.2 | wc -l)
	i=$((i + 1))
	[ "$held" -ge 1 ] || sleep 0.05
done
[ "$held" -ge 1 ] && ok "attack_holds_connections ($held)" ||
    bad "attack holds no connection"

n=0
i=1
while [ $i -le 20 ]; do
	get "$(pq "$(sed -n "${i}p" "$DIR/sc.urls")")"
	if [ "$CODE" = 200 ] &&
	    printf '%s' "$BODY" | grep -qF "\"verdict\":\"valid\",\"uid\":\"$SC\",\"counter\":$i,"
	then
		n=$((n + 1))
	else
		echo "tap $i: HTTP $CODE $BODY"
	fi
	i=$((i + 1))
done
[ "$n" -eq 20 ] && ok "served_under_attack (20 of 20 valid)" ||
    bad "served_under_attack: $n of 20 valid"

touch "$DIR/stop"
wait "$TPID"
trc=$?
res=$(tail -1 "$DIR/trickle.out")
echo "trickle: $res"
left=$(printf '%s' "$res" | sed -n 's/.*left_open=\([0-9]*\).*/\1/p')
slow=$(printf '%s' "$res" | sed -n 's/.*closed_while_trickling=\([0-9]*\).*/\1/p')
[ "$trc" -eq 0 ] && [ "$left" = 0 ] && ok all_trickling_closed_by_server ||
    bad "trickling connections left open: $res"
metrics
reaped=$(printf '%s\n' "$BODY" | sed -n 's/^verifyd_header_timeouts_total //p')
# Closed for a late header, as the server counts it (its idle timeout is
# 30 s and the attacker sends a byte every half second).
[ -n "$reaped" ] && [ "$reaped" -ge 1 ] &&
    ok "header_deadline_closed ($reaped; $slow after trickling)" ||
    bad "header deadline: $slow closed while trickling, '$reaped' reaped"
kill -0 "$SERVER_PID" && ok server_alive || bad "server died"
finish
