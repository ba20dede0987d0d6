#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd's memory under random URLs: the RSS curve over time.
#   bench/verifyd/rss.sh BUILD_DIR [SECONDS [VERIFYD]]
# 1000 provisioned tags (vd_gen) and a pool of VD_RSS_URLS (1,000,000) URLs
# whose PICCData decrypts under the cohort key to a UID no tag has (what an
# attacker who knows the cohort key sends: each one a new UID for the tag
# directory), sent by wrk -t2 -c16 keep-alive for SECONDS (60) at full
# rate. Prints the server's VmRSS every 5 s, then the growth from the
# first sample to the last. VERIFYD: another binary (an older build, for
# the figure before a change). Figures, not asserted.
set -eu
B=$(cd "${1:?usage: rss.sh BUILD_DIR [SECONDS [VERIFYD]]}" && pwd)
SECS=${2:-60}
VERIFYD=${3:-$B/tools/verifyd/ntag424-verifyd}
HERE=$(cd "$(dirname "$0")" && pwd)
GEN=$B/bench/verifyd/vd_gen
DIR=$(mktemp -d /tmp/verifyd-rss.XXXXXX)
PID="" WRK=""
trap '[ -n "$WRK" ] && kill "$WRK" 2>/dev/null; [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

( umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$DIR/kek" )
"$GEN" tags "$DIR/ks.db" "$DIR/kek" 1000
"$GEN" unknown "$DIR/ks.db" "$DIR/kek" "${VD_RSS_URLS:-1000000}" |
    awk -v f="$DIR/urls" '{ print > (f "." ((NR - 1) % 2)) }'
"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" \
    --kek-file "$DIR/kek" --log-level error --db "$DIR/ks.db" &
PID=$!
while [ ! -s "$DIR/port" ]; do
	kill -0 "$PID" 2>/dev/null || { echo "rss: no server" >&2; exit 1; }
	sleep 0.01
done
rss() { awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
echo "rss: $VERIFYD, random URLs (unknown UIDs under the cohort key), wrk -t2 -c16 for ${SECS}s"
echo "t_s=0 rss_mb=$(rss) (idle)"
VD_URLS=$DIR/urls VD_CLOSE=0 wrk -t2 -c16 -d"${SECS}s" -s "$HERE/urls.lua" \
    "http://127.0.0.1:$(cat "$DIR/port")/" >"$DIR/wrk" 2>&1 &
WRK=$!
t=0 first=""
while [ "$t" -lt "$SECS" ]; do
	sleep 5
	t=$((t + 5))
	r=$(rss)
	[ -n "$first" ] || first=$r
	echo "t_s=$t rss_mb=$r"
done
wait "$WRK" || true
WRK=""
awk '/^Requests\/sec/ { printf "requests/s %.0f\n", $2 }' "$DIR/wrk"
awk -v a="$first" -v b="$r" 'BEGIN { printf "growth from t_s=5: %+.1f%%\n", (b - a) * 100 / a }'
