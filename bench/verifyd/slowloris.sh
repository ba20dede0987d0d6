#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd under slowloris: prints the latency of ordinary clients
# (wrk -t2 -c16 keep-alive from 127.0.0.1, every request a first tap on
# SQLite) without and then with 2,000 connections from 127.0.0.2 that
# trickle one header byte every half second and reconnect whenever the
# server closes them (tests/verifyd/trickle.py). Figures, not asserted;
# the attacker runs on the same cores as the server and wrk.
#   bench/verifyd/slowloris.sh BUILD_DIR
set -eu
B=$(cd "${1:?usage: slowloris.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VERIFYD=$B/tools/verifyd/ntag424-verifyd
FIXTURE=$B/tests/verifyd/vd_fixture
DUR=${VD_BENCH_SECONDS:-10}
TAGS=${VD_BENCH_TAGS:-1000}
TAPS=${VD_BENCH_TAPS:-600}
DIR=$(mktemp -d /tmp/verifyd-slow.XXXXXX)
PID=""
TPID=""
trap '[ -n "$TPID" ] && kill "$TPID" 2>/dev/null; [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

"$FIXTURE" urls "$DIR/ks.db" "$DIR/kek" "$TAGS" "$TAPS" |
    awk -v f="$DIR/urls" '{ print > (f "." ((NR - 1) % 2)) }'
# A fresh copy for each run: deleting counter rows is tampering now that
# rows carry MACs (docs/keystore.md), so the same taps are made valid
# again by restoring the keystore as it was.
cp "$DIR/ks.db" "$DIR/ks.fresh"

start() {
	rm -f "$DIR/port"
	"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" \
	    --kek-file "$DIR/kek" --cohort self-checkout --log-level error \
	    --metrics-listen 127.0.0.1:0 --db "$DIR/ks.db" &
	PID=$!
	while [ ! -s "$DIR/port" ]; do sleep 0.05; done
	PORT=$(cat "$DIR/port")
	MPORT=$(ss -Hltnp | grep "pid=$PID," |
	    sed -n 's/^.* 127\.0\.0\.1:\([0-9]*\) .*$/\1/p' | grep -vx "$PORT" |
	    head -1)
}

stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }

row() {
	VD_URLS=$DIR/urls VD_CLOSE=0 wrk -t2 -c16 -d"${DUR}s" --latency \
	    -s "$HERE/urls.lua" "http://127.0.0.1:$PORT/" >"$DIR/wrk" 2>&1
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$DIR/wrk")
	p50=$(awk '$1 == "50%" { print $2 }' "$DIR/wrk")
	p99=$(awk '$1 == "99%" { print $2 }' "$DIR/wrk")
	vo=$(awk '/^VD / { sub(/^VD /, ""); print }' "$DIR/wrk")
	printf '| %-40s | %10s | %8s | %8s | %s\n' "$1" "$rps" "$p50" \
	    "$p99" "$vo"
}

echo "ntag424-verifyd under slowloris ($(nproc) cores, wrk -t2 -c16" \
    "-d${DUR}s keep-alive, SQLite, every request a first tap)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-40s | %10s | %8s | %8s | %s\n' "other clients" \
    "requests/s" "p50" "p99" "answers"
start
row "no attack (baseline, same run)"
stop
rm -f "$DIR/ks.db-wal" "$DIR/ks.db-shm"
cp "$DIR/ks.fresh" "$DIR/ks.db"
start
python3 "$TOP/tests/verifyd/trickle.py" 127.0.0.1 "$PORT" 2000 \
    "$DIR/stop" >"$DIR/trickle.out" 2>&1 &
TPID=$!
until grep -q '^ready' "$DIR/trickle.out"; do sleep 0.1; done
row "2,000 trickling connections (127.0.0.2)"
touch "$DIR/stop"
wait "$TPID" || true
TPID=""
echo "attacker: $(tail -1 "$DIR/trickle.out")"
echo "closed by the header deadline: $(curl -s "http://127.0.0.1:$MPORT/metrics" |
    awk '$1 == "verifyd_header_timeouts_total" { print $2 }')"
stop
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
