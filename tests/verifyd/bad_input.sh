#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bad input: each gets its documented verdict (or a 4xx/5xx with a reason),
# nothing is accepted that should not be, and the server keeps serving.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 2 >"$DIR/sc.urls"
U=$(pq "$(sed -n 1p "$DIR/sc.urls")")
P=$(printf '%s' "$U" | sed 's/.*picc=\([0-9A-F]*\).*/\1/')
M=$(printf '%s' "$U" | sed 's/.*cmac=\([0-9A-F]*\).*/\1/')
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout

expect bad_hex 400 '"verdict":"malformed","field":"picc"' "/tag?picc=$(echo "$P" | sed 's/^./G/')&cmac=$M"
expect odd_length 400 '"verdict":"malformed","field":"picc"' "/tag?picc=$(echo "$P" | cut -c2-)&cmac=$M"
expect short_mac 400 '"field":"cmac"' "/tag?picc=$P&cmac=$(echo "$M" | cut -c3-)"
expect missing_mac 400 '"field":"cmac"' "/tag?picc=$P"
expect missing_all 400 '"verdict":"malformed"' "/tag"
expect duplicated 400 '"field":"picc"' "/tag?picc=$P&picc=$P&cmac=$M"
expect binary_bytes 400 '"verdict":"malformed"' "/tag?picc=%00%FF$(echo "$P" | cut -c5-)&cmac=$M"
LONG=$(head -c 3000 /dev/zero | tr '\0' 'A')
expect oversize_query 400 '"verdict":"malformed","field":"url","reason":"the request is longer than' "/tag?picc=$P&cmac=$M&x=$LONG"
MID=$(head -c 2040 /dev/zero | tr '\0' 'A')
expect long_query 400 '"reason":"the URL is longer than 2048 bytes"' "/tag?picc=$P&cmac=$M&x=$MID"
HUGE=$(head -c 20000 /dev/zero | tr '\0' 'A')
get "/tag?picc=$P&x=$HUGE"
case $CODE in 4*) ok "huge_request_4xx ($CODE)";; *) bad "huge_request: $CODE";; esac
expect api_no_url 400 '"reason":"missing' "/api/verify?x=1"
expect api_twice 400 '"reason":"url given twice"' "/api/verify?url=a&url=b"
expect api_control 400 '"reason":"control' "/api/verify?url=https%3A%2F%2Fx%0A"
expect api_wrong_host 400 '"verdict":"malformed"' "/api/verify?url=https%3A%2F%2Fevil.example%2Ftag%3Fpicc%3D$P%26cmac%3D$M"
expect forged_picc 403 '"verdict":"bad_mac"' "/tag?picc=00000000000000000000000000000000&cmac=$M"
CODE=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$BASE$U")
[ "$CODE" = 405 ] && ok post_405 || bad "post: $CODE"
# After all that, the genuine URL is still valid once.
expect genuine_after_garbage 200 "\"uid\":\"$SC\",\"counter\":1," "$U"
expect genuine_replay 409 '"verdict":"replay"' "$U"

# A keystore without the tag's master key: key_unavailable, 503.
stop_server
sqlite3 "$DB" "DELETE FROM master_keys" 2>/dev/null ||
    { echo "no sqlite3 CLI"; }
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout
expect key_unavailable 503 '"verdict":"key_unavailable"' "$(pq "$(sed -n 2p "$DIR/sc.urls")")"

# A read-only database: the server refuses to start, with a reason.
stop_server
chmod 0444 "$DB"
rm -f "$DB-wal" "$DB-shm"
if [ "$(id -u)" -ne 0 ]; then
	"$VERIFYD" --db "$DB" --kek-file "$KEK" --listen 127.0.0.1:0 \
	    >"$DIR/ro.log" 2>&1
	[ $? -ne 0 ] && grep -q 'ntag424-verifyd:' "$DIR/ro.log" &&
	    ok read_only_refused || bad "read_only: $(cat "$DIR/ro.log")"
else
	echo "skip read_only_refused (root ignores file modes)"
fi
finish
