#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A second server on a port in use refuses to start (exit 1, the reason
# on stderr) instead of sharing it silently; with --reuse-port on both,
# both run (an explicit choice).
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

"$FIXTURE" an12196 "$DB" "$KEK" || { echo "FAIL fixture"; exit 1; }
ARGS="--db $DB --kek-file $KEK --cohort an12196 --log-level warn"

# second [ARGS]: a second server on PORT; sets RC (124: still running).
second() {
	rm -f "$DIR/port2"
	"$VERIFYD" --listen "127.0.0.1:$PORT" --port-file "$DIR/port2" $ARGS \
	    "$@" >"$DIR/second.log" 2>&1 &
	pid=$!
	i=0
	RC=124
	while [ $i -lt 200 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			RC=$?
			return
		fi
		[ -s "$DIR/port2" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	kill -TERM "$pid"
	wait "$pid"
}

start_server $ARGS
second
[ "$RC" = 1 ] && grep -q "cannot listen on 127.0.0.1:$PORT: Address already in use" \
    "$DIR/second.log" && grep -q -- '--reuse-port' "$DIR/second.log" &&
    ok second_refused || bad "second server: rc $RC: $(cat "$DIR/second.log")"
second --reuse-port
[ "$RC" = 1 ] && ok second_reuse_alone_refused ||
    bad "reuse on one side only: rc $RC: $(cat "$DIR/second.log")"
expect first_still_serves 200 ok /healthz
stop_server

# Sharing on purpose: both ask for it.
OLDPORT=$PORT
"$VERIFYD" --listen "127.0.0.1:$OLDPORT" --port-file "$DIR/port" $ARGS \
    --reuse-port >>"$DIR/server.log" 2>&1 &
SERVER_PID=$!
i=0
while [ ! -s "$DIR/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$OLDPORT
second --reuse-port
[ "$RC" = 124 ] && ok shared_on_purpose || bad "shared: rc $RC $(cat "$DIR/second.log")"
finish
