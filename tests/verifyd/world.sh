#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What anonymous clients see: a replay's JSON has no UID (unless
# --replay-uid yes); a 503 names no file and no database error, only a
# request id that the log line carries with the real reason; /metrics is
# not on the public listener (only on --metrics-listen); malformed
# /api/verify answers carry the time like every other answer.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 4 >"$DIR/sc.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
expect valid_has_uid 200 "\"verdict\":\"valid\",\"uid\":\"$SC\",\"counter\":1," "$(sc 1)"
expect replay_409 409 '"verdict":"replay","reason":"' "$(sc 1)"
printf '%s' "$BODY" | grep -q "$SC" && bad "replay shows the UID: $BODY" ||
    ok replay_hides_uid

# Malformed /api/verify: the time too.
for q in '/api/verify?x=1' '/api/verify?url=%ZZ' '/api/verify?url=a&url=b' '/api/verify'; do
	get "$q"
	t=$(printf '%s' "$BODY" | sed -n 's/.*"time":\([0-9]*\)}.*/\1/p')
	[ "$CODE" = 400 ] && [ -n "$t" ] && [ "$t" -gt 1000000000 ] &&
	    ok "api_malformed_has_time ($q)" || bad "api malformed $q: $CODE $BODY"
done

# /metrics: not public by default.
expect metrics_not_public 404 'no such route' /metrics

# A 503 while another process holds the keystore's write lock.
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
	i=$((i + 1)); [ $i -lt 200 ] || { bad "no lock"; exit 1; }
	sleep 0.05
done
get "$(sc 2)"
exec 3>&-
wait "$LPID"
id=$(printf '%s' "$BODY" | sed -n 's/.*"request":"\([0-9a-f]*\)".*/\1/p')
if [ "$CODE" = 503 ] && [ -n "$id" ] &&
    printf '%s' "$BODY" | grep -qF "\"verdict\":\"store_error\",\"reason\":\"the service cannot check tags at the moment and accepted nothing; ask again later (request $id)\""
then
	ok store_error_503_with_id
else
	bad "503: HTTP $CODE $BODY"
fi
printf '%s' "$BODY" | grep -qiE "$DIR|ks\.db|locked|database|sqlite" &&
    bad "503 body leaks: $BODY" || ok store_error_body_leaks_nothing
grep -q "error: request $id: store_error: the counter store failed, nothing was accepted: the keystore $DB is locked" \
    "$DIR/server.log" && ok store_error_logged_with_id ||
    bad "log: $(cat "$DIR/server.log")"
code=$(curl -s --max-time 30 -o "$DIR/page" -w '%{http_code}' "$BASE$(sc 2)")
[ "$code" = 200 ] && ok after_lock_valid || bad "after lock: $code"
stop_server

# Opt-in replay UID; metrics on their own listener.
printf 'replay_uid = yes\nmetrics_listen = 127.0.0.1:0\n' >"$DIR/conf"
start_server --config "$DIR/conf" --db "$DB" --kek-file "$KEK" \
    --cohort self-checkout --log-level warn
expect replay_uid_on_request 409 "\"verdict\":\"replay\",\"uid\":\"$SC\",\"counter\":1," "$(sc 1)"
expect metrics_still_not_public 404 'no such route' /metrics
metrics
printf '%s\n' "$BODY" | grep -q '^verifyd_requests_total{verdict="replay"} 1$' &&
    printf '%s\n' "$BODY" | grep -q '^verifyd_header_timeouts_total 0$' &&
    ok metrics_on_own_listener || bad "metrics: $BODY"
finish
