#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# SIGTERM while requests wait for a commit that cannot happen: another
# process holds the SQLite keystore's write lock. Every waiting request is
# answered 503 store_error (those queued behind the commit at once, the one
# in the commit when the store gives up), the server exits 0 (libmicrohttpd
# aborted the process with rc 134 when stopped with suspended requests),
# and nothing was accepted: after a restart every one of those URLs is
# valid once.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
N=16

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag" >/dev/null
fx tap "$DIR/sc.tag" "$N" >"$DIR/sc.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn

# The lock holder: BEGIN EXCLUSIVE until its stdin closes.
mkfifo "$DIR/hold"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
c.execute("ROLLBACK")
' "$DB" <"$DIR/hold" >"$DIR/lock.out" 2>&1 &
LPID=$!
exec 3>"$DIR/hold"
i=0
until grep -q locked "$DIR/lock.out"; do
	i=$((i + 1)); [ $i -lt 200 ] || { bad "no lock: $(cat "$DIR/lock.out")"; exit 1; }
	sleep 0.05
done

i=1
pids=""
while [ $i -le $N ]; do
	curl -s --max-time 60 -o "$DIR/ans.$i" -w '%{http_code}' \
	    -H 'Accept: application/json' "$BASE$(sc "$i")" >"$DIR/code.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
# Every connection is accepted by the server before the signal (a socket
# still in the listen backlog has no owner in ss; it would be reset when
# the server stops listening).
i=0
while [ "$(ss -Htnp state established "( sport = :$PORT )" |
    grep -c "pid=$SERVER_PID,")" -lt $N ]; do
	i=$((i + 1)); [ $i -lt 400 ] || break
	sleep 0.05
done
kill -TERM "$SERVER_PID"
for p in $pids; do wait "$p"; done
n=0
i=1
while [ $i -le $N ]; do
	if [ "$(cat "$DIR/code.$i")" = 503 ] &&
	    grep -q '"verdict":"store_error"' "$DIR/ans.$i"; then
		n=$((n + 1))
	else
		echo "request $i: $(cat "$DIR/code.$i") $(cat "$DIR/ans.$i")"
	fi
	i=$((i + 1))
done
[ "$n" -eq $N ] && ok "all_waiting_answered_503 ($N)" ||
    bad "answered 503: $n of $N"
exec 3>&-		# the lock goes
wait "$LPID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=""
[ "$rc" -eq 0 ] && ok "stopped_cleanly (rc $rc)" ||
    bad "stop: rc $rc: $(tail -3 "$DIR/server.log")"
grep -q 'suspended connections' "$DIR/server.log" &&
    bad "libmicrohttpd complained: $(cat "$DIR/server.log")" ||
    ok no_suspended_complaint

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
n=0
i=1
while [ $i -le $N ]; do
	get "$(sc "$i")"
	[ "$CODE" = 200 ] && n=$((n + 1))
	i=$((i + 1))
done
[ "$n" -eq $N ] && ok "nothing_was_accepted ($N valid after restart)" ||
    bad "after restart: $n of $N valid"
finish
