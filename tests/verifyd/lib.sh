# SPDX-License-Identifier: BSD-2-Clause
# Shared by the verifyd end-to-end scripts (sourced): a temp dir, the
# server started on a free port and stopped by its PID, checks that count.
# Usage in a script: . lib.sh after setting VERIFYD and FIXTURE.
set -u
DIR=$(mktemp -d /tmp/verifyd-test.XXXXXX)
DB=$DIR/ks.db
KEK=$DIR/kek
SERVER_PID=""
passes=0
fails=0

cleanup() {
	stop_server
	[ -n "${KEEP_DIR:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server ARGS...: listen on 127.0.0.1, any free port; sets PORT, BASE.
start_server() {
	rm -f "$DIR/port"
	"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" "$@" \
	    >>"$DIR/server.log" 2>&1 &
	SERVER_PID=$!
	i=0
	while [ ! -s "$DIR/port" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "FAIL the server did not start:"
			cat "$DIR/server.log"
			exit 1
		fi
		sleep 0.05
	done
	PORT=$(cat "$DIR/port")
	BASE=http://127.0.0.1:$PORT
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=""
	fi
}

ok() { echo "ok   $1"; passes=$((passes + 1)); }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# metrics: the /metrics text of a server started with --metrics-listen
# 127.0.0.1:0 into BODY (its listener is the one that is not PORT).
metrics() {
	mport=$(ss -Hltnp | grep "pid=$SERVER_PID," |
	    sed -n 's/^.* 127\.0\.0\.1:\([0-9]*\) .*$/\1/p' |
	    grep -vx "$PORT" | head -1)
	BODY=$(curl -s --max-time 10 "http://127.0.0.1:$mport/metrics")
}

# get PATH_AND_QUERY [curl args]: sets CODE and BODY (JSON asked for).
get() {
	p=$1
	shift
	CODE=$(curl -s -g --max-time 10 -o "$DIR/body" -w '%{http_code}' \
	    -H 'Accept: application/json' "$@" "$BASE$p")
	BODY=$(cat "$DIR/body")
}

# expect NAME CODE PATTERN PATH [curl args]
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	get "$@"
	if [ "$CODE" = "$want" ] && printf '%s' "$BODY" | grep -qF -- "$pattern"
	then
		ok "$name"
	else
		bad "$name: HTTP $CODE (want $want), body: $BODY"
	fi
}

# The path and query of a whole URL: https://host/p?q -> /p?q
pq() { printf '%s\n' "$1" | sed 's|^[a-z]*://[^/]*||'; }

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
