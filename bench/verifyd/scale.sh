#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd at scale: prints one line per tag count, nothing else on
# stdout (progress goes to stderr), figures not asserted:
#   tags=N start_s=S rss_mb=M verify_per_s=V
#   bench/verifyd/scale.sh BUILD_DIR
# For each N (VD_SCALE_TAGS, default 1000 100000 1000000): N provisioned
# tags written by vd_gen through the keystore API in one transaction (one
# cohort meta-read key, file-read keys diversified per tag), then the real
# server on that SQLite keystore. S: from exec to the port file (the
# server listens only once its directory is loaded). V: wrk -t2 -c16
# keep-alive for VD_BENCH_SECONDS (10), every request a first tap with its
# durable counter, the taps spread over all N tags (tag j*999983 mod N, in
# rounds: each tag's taps in counter order). M: the server's VmRSS after
# the run. Other processes on the machine skew V: compare lines of one run.
set -eu
B=$(cd "${1:?usage: scale.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
VERIFYD=$B/tools/verifyd/ntag424-verifyd
GEN=$B/bench/verifyd/vd_gen
DUR=${VD_BENCH_SECONDS:-10}
URLS=${VD_SCALE_URLS:-400000}
DIR=$(mktemp -d /tmp/verifyd-scale.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

( umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$DIR/kek" )

for n in ${VD_SCALE_TAGS:-1000 100000 1000000}; do
	db=$DIR/ks.$n.db
	echo "scale: $n tags..." >&2
	"$GEN" tags "$db" "$DIR/kek" "$n"
	"$GEN" urls "$db" "$DIR/kek" "$n" "$URLS" |
	    awk -v f="$DIR/urls" '{ print > (f "." ((NR - 1) % 2)) }'
	sync
	rm -f "$DIR/port"
	t0=$(date +%s.%N)
	"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" \
	    --kek-file "$DIR/kek" --log-level error --db "$db" &
	PID=$!
	while [ ! -s "$DIR/port" ]; do
		kill -0 "$PID" 2>/dev/null || { echo "scale: no server" >&2; exit 1; }
		sleep 0.01
	done
	t1=$(date +%s.%N)
	VD_URLS=$DIR/urls VD_CLOSE=0 wrk -t2 -c16 -d"${DUR}s" \
	    -s "$HERE/urls.lua" "http://127.0.0.1:$(cat "$DIR/port")/" \
	    >"$DIR/wrk" 2>&1
	rss=$(awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$PID/status")
	kill -TERM "$PID"
	wait "$PID" || true
	PID=""
	grep '^VD ' "$DIR/wrk" | sed 's/^VD /scale: answers /' >&2
	awk -v n="$n" -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v m="$rss" \
	    '/^Requests\/sec/ { printf "tags=%d start_s=%.2f rss_mb=%s verify_per_s=%.0f\n", n, s, m, $2 }' \
	    "$DIR/wrk"
	rm -f "$db" "$db"-wal "$db"-shm "$DIR"/urls.*
done
