#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd benchmark: prints ONE table (figures, not asserted).
#   bench/verifyd/run.sh BUILD_DIR
# In process: sun_bench (verifications/s next to raw AES-128-ECB). Over
# HTTP: wrk -t2 -c16 -d10s --latency against the real server, every
# request a first tap of one of 1000 emulated tags (600k distinct URLs: each
# request runs the durable counter check and should be valid), keep-alive
# and connection-per-request on SQLite, keep-alive with 64 connections
# (larger group commits); on a private PostgreSQL (scripts/pg-rig.sh),
# once with fsync off and once durable (fsync and synchronous_commit on,
# PostgreSQL's defaults): keep-alive with 16 and with 64 connections, and
# two servers on the one PostgreSQL with 32 each (their sum). The load
# average before and after is printed: other processes on the machine skew
# the figures.
set -eu
B=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VERIFYD=$B/tools/verifyd/ntag424-verifyd
FIXTURE=$B/tests/verifyd/vd_fixture
DUR=${VD_BENCH_SECONDS:-10}
TAGS=${VD_BENCH_TAGS:-1000}
TAPS=${VD_BENCH_TAPS:-600}
DIR=$(mktemp -d /tmp/verifyd-bench.XXXXXX)
PID=""
PID1=""		# the first of two servers
trap 'for p in $PID $PID1; do kill -TERM "$p" 2>/dev/null; done; rm -rf "$DIR"' EXIT

# make_urls DB FILE: TAGS self-checkout tags, TAPS taps each, in rounds
# (tap 1 of every tag, then tap 2, ...), split into FILE.0 and FILE.1, one
# per wrk thread: a tag's next tap is TAGS/2 requests of its thread later.
make_urls() {
	"$FIXTURE" urls "$1" "$DIR/kek" "$TAGS" "$TAPS" |
	    awk -v f="$2" '{ print > (f "." ((NR - 1) % 2)) }'
}

start() {
	rm -f "$DIR/port"
	"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" \
	    --kek-file "$DIR/kek" --cohort self-checkout --log-level error \
	    --metrics-listen 127.0.0.1:0 --db "$1" &
	PID=$!
	while [ ! -s "$DIR/port" ]; do sleep 0.05; done
	PORT=$(cat "$DIR/port")
	# The metrics listener is the server's other port.
	MPORT=$(ss -Hltnp | grep "pid=$PID," |
	    sed -n 's/^.* 127\.0\.0\.1:\([0-9]*\) .*$/\1/p' | grep -vx "$PORT" |
	    head -1)
}

stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }

# run NAME URLFILE CLOSE [CONNECTIONS]: one wrk run, one table row; the
# server's own metrics give the advances per commit (per fsync).
run() {
	VD_URLS=$2 VD_CLOSE=$3 wrk -t2 -c"${4:-16}" -d"${DUR}s" --latency \
	    -s "$HERE/urls.lua" "http://127.0.0.1:$PORT/" >"$DIR/wrk" 2>&1
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$DIR/wrk")
	p50=$(awk '$1 == "50%" { print $2 }' "$DIR/wrk")
	p99=$(awk '$1 == "99%" { print $2 }' "$DIR/wrk")
	vo=$(awk '/^VD / { sub(/^VD /, ""); print }' "$DIR/wrk")
	batch=$(metrics "$MPORT" | awk '
	    { if ($2 > 0) printf "%.1f", $1 / $2; else print "-" }')
	printf '| %-44s | %10s | %8s | %8s | %9s | %s\n' "$1" "$rps" "$p50" \
	    "$p99" "$batch" "$vo"
}

# metrics PORT: advances and commits so far ("A C").
metrics() {
	curl -s "http://127.0.0.1:$1/metrics" | awk '
	    $1 == "verifyd_commits_total" { c = $2 }
	    $1 == "verifyd_commit_advances_total" { a = $2 }
	    END { printf "%d %d\n", a, c }'
}

# two NAME URLPREFIX CONNECTIONS: two servers on the one PostgreSQL, each
# with its own half of the URLs (wrk -t1 on each, the thread slices of
# one pool) at once; one row, the requests/s summed.
two() {
	start "$PROVISIO_PG_URI"
	PID1=$PID PORT1=$PORT MPORT1=$MPORT
	start "$PROVISIO_PG_URI"
	cp "$2.1" "$2.b.0"
	VD_URLS=$2 VD_CLOSE=0 wrk -t1 -c"$3" -d"${DUR}s" --latency \
	    -s "$HERE/urls.lua" "http://127.0.0.1:$PORT1/" >"$DIR/wrk1" 2>&1 &
	W1=$!
	VD_URLS=$2.b VD_CLOSE=0 wrk -t1 -c"$3" -d"${DUR}s" --latency \
	    -s "$HERE/urls.lua" "http://127.0.0.1:$PORT/" >"$DIR/wrk2" 2>&1
	wait "$W1"
	rps=$(awk '/^Requests\/sec/ { s += $2 } END { printf "%.0f", s }' \
	    "$DIR/wrk1" "$DIR/wrk2")
	p99=$(awk '$1 == "99%" { printf "%s%s", sep, $2; sep = "," }' \
	    "$DIR/wrk1" "$DIR/wrk2")
	vo=$(awk '/^VD / { sub(/^VD /, ""); printf "%s%s", sep, $0; sep = "; " }' \
	    "$DIR/wrk1" "$DIR/wrk2")
	batch=$( { metrics "$MPORT1"; metrics "$MPORT"; } | awk '
	    { a += $1; c += $2 } END { if (c > 0) printf "%.1f", a / c }')
	printf '| %-44s | %10s | %8s | %8s | %9s | %s\n' "$1" "$rps" "-" \
	    "$p99" "$batch" "$vo"
	stop
	PID=$PID1
	PID1=""
	stop
}

# Inside scripts/pg-rig.sh: the PostgreSQL rows only. The pool's two
# thread slices are cut into three segments, one per row: taps go out in
# rounds, so each row's taps are later than the row before's, all fresh.
if [ "${2:-}" = --pg-row ]; then
	make_urls "$PROVISIO_PG_URI" "$DIR/urls.pg"
	for t in 0 1; do
		awk -v f="$DIR/urls.pg" -v t=$t -v n="$(($(wc -l \
		    <"$DIR/urls.pg.$t") / 3))" \
		    '{ print > (f ".s" int((NR - 1) / n) "." t) }' \
		    "$DIR/urls.pg.$t"
	done
	if [ "${PG_RIG_DURABLE:-0}" = 1 ]; then
		what="fsync+synchronous_commit on"
	else
		what="fsync off"
	fi
	start "$PROVISIO_PG_URI"
	run "PostgreSQL ($what), keep-alive" "$DIR/urls.pg.s0" 0
	stop
	start "$PROVISIO_PG_URI"
	run "PostgreSQL ($what), keep-alive, -c64" "$DIR/urls.pg.s1" 0 64
	stop
	two "PostgreSQL ($what), 2 servers, -c32 each" "$DIR/urls.pg.s2" 32
	exit 0
fi

SUN=$("$B/bench/sun_bench" 1 2>&1)
make_urls "$DIR/ks.db" "$DIR/urls.sqlite"
cp "$DIR/ks.db" "$DIR/ks.fresh"
# The same taps valid again: the keystore as it was before the first run
# (deleting counter rows would be tampering: they are authenticated).
fresh() { rm -f "$DIR/ks.db-wal" "$DIR/ks.db-shm"; cp "$DIR/ks.fresh" "$DIR/ks.db"; }

echo "ntag424-verifyd benchmark ($(nproc) cores, wrk -t2 -d${DUR}s," \
    "$TAGS tags x $TAPS taps, each request a new tap)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "in process (bench/sun_bench, one core):"
printf '%s\n' "$SUN" | sed 's/^/    /'
echo
printf '| %-44s | %10s | %8s | %8s | %9s | %s\n' "HTTP (wrk -t2 -c16 unless said)" \
    "requests/s" "p50" "p99" "per fsync" "answers"
start "$DIR/ks.db"
run "SQLite WAL+FULL, keep-alive, durable counter" "$DIR/urls.sqlite" 0
stop
fresh
start "$DIR/ks.db"
run "SQLite WAL+FULL, connection per request" "$DIR/urls.sqlite" 1
stop
fresh
start "$DIR/ks.db"
run "SQLite WAL+FULL, keep-alive, -c64" "$DIR/urls.sqlite" 0 64
stop
for durable in 0 1; do
	PG_RIG_DURABLE=$durable "$TOP/scripts/pg-rig.sh" "$0" "$B" --pg-row \
	    2>/dev/null | grep '^|' || echo "| PostgreSQL: not run (pg-rig failed)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$HERE/slowloris.sh" "$B"
