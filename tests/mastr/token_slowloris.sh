#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The software token's HTTP API under slowloris: 200 connections from
# 127.0.0.2 trickle one header byte every half second and never finish,
# opened again whenever the token closes them (16 used to stop all
# service). 20 requests from 127.0.0.1 must each be answered, and once the
# attacker stops reconnecting the token must close every connection it
# still holds (header deadline, not idle time). Counts, not times.
# Usage: token_slowloris.sh BIN_DIR
. "$(dirname "$0")/lib.sh"
TRICKLE=$(cd "$(dirname "$0")/../verifyd" && pwd)/trickle.py

mkdir -p "$T/tok"
"$BIN/mastr-token" --state "$T/tok" --http 127.0.0.1:0 >"$T/tok/out" \
    2>"$T/tok/err" &
PIDS="$PIDS $!"
wait_line "$T/tok/out" 1
HP=$(sed -n 's/^http //p' "$T/tok/out")
PORT=${HP##*:}

python3 "$TRICKLE" 127.0.0.1 "$PORT" 200 "$T/stop" >"$T/trickle.out" 2>&1 &
TPID=$!
i=0
until grep -q '^ready' "$T/trickle.out"; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 "$TPID" 2>/dev/null; then
		echo "trickle did not start: $(cat "$T/trickle.out")"
		touch "$T/stop"
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
check "attack_holds_connections ($held)" test "$held" -ge 1

n=0
i=0
while [ $i -lt 20 ]; do
	code=$(curl -s --max-time 10 -o "$T/body" -w '%{http_code}' \
	    "http://$HP/api/health" || true)
	[ "$code" = 200 ] && grep -q '"status":"ok"' "$T/body" && n=$((n + 1))
	i=$((i + 1))
done
check "served_under_attack ($n of 20)" test "$n" -eq 20

touch "$T/stop"
trc=0
wait "$TPID" || trc=$?
res=$(tail -1 "$T/trickle.out")
echo "trickle: $res"
slow=$(printf '%s' "$res" | sed -n 's/.*closed_while_trickling=\([0-9]*\).*/\1/p')
check all_trickling_closed_by_token test "$trc" -eq 0
check header_deadline_closed test "${slow:-0}" -ge 1
summary
