#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# kill -9 under load: every URL answered valid before the kill is a replay
# after the restart (a valid verdict is sent only after its commit).
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
N=8
i=0
while [ $i -lt $N ]; do
	fx provision "$DB" "$KEK" self-checkout "$DIR/t$i.tag" >/dev/null
	fx tap "$DIR/t$i.tag" 150 >"$DIR/t$i.urls"
	i=$((i + 1))
done
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout

# One client per tag, each in order; answers logged as "CODE URL".
i=0
pids=""
while [ $i -lt $N ]; do
	(
		while read -r url; do
			c=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
			    "$BASE$(pq "$url")") || c=000
			echo "$c $url"
		done <"$DIR/t$i.urls" >"$DIR/log.$i"
	) &
	pids="$pids $!"
	i=$((i + 1))
done
sleep 1
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
for p in $pids; do wait "$p"; done
cat "$DIR"/log.* | awk '$1 == 200 { print $2 }' >"$DIR/accepted"
n=$(wc -l <"$DIR/accepted")
[ "$n" -gt 0 ] && ok "load_before_kill ($n valid)" || bad "no valid answer before the kill"

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout
notreplay=0
while read -r url; do
	get "$(pq "$url")"
	[ "$CODE" = 409 ] || { notreplay=$((notreplay + 1)); echo "  $CODE $url"; }
done <"$DIR/accepted"
[ $notreplay -eq 0 ] && ok "all $n accepted URLs are replays after restart" ||
    bad "$notreplay accepted URLs not replays after restart"
finish
