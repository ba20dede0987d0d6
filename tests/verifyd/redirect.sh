#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Signed redirect: a [route PATH] with redirect = https://... answers every
# verdict with a 303 whose query python3's hmac checks independently; bad
# redirect settings stop the server at start-up with a clear error.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

command -v python3 >/dev/null || { echo "SKIP no python3"; exit 77; }
fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 3 >"$DIR/sc.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }
ROUTE=$(sc 1 | sed 's/?.*//')
printf 'a-long-shared-secret-for-tests\n' >"$DIR/secret"

cat >"$DIR/conf" <<CONF
db = $DB
kek-file = $KEK
cohort = self-checkout
log-level = warn
[route $ROUTE]
redirect = https://shop.example/tapped
redirect-secret-file = $DIR/secret
CONF
start_server --config "$DIR/conf"

# location PATH: the Location of a 303 (and CODE).
location() {
	CODE=$(curl -s -g --max-time 10 -o /dev/null -D "$DIR/hdr" \
	    -w '%{http_code}' -H 'Accept: application/json' "$BASE$1")
	LOC=$(sed -n 's/^[Ll]ocation: *//p' "$DIR/hdr" | tr -d '\r')
}

# check NAME QUERY-WITHOUT-TS: the signature verifies with python3's hmac
# over the bytes before &sig=, and the rest of the query is as expected.
sigcheck() {
	res=$(python3 - "$LOC" "$DIR/secret" <<'PY'
import hmac, hashlib, sys
loc, secret = sys.argv[1], open(sys.argv[2], "rb").read().rstrip(b"\r\n")
base, _, query = loc.partition("?")
signed, _, sig = query.rpartition("&sig=")
good = hmac.compare_digest(hmac.new(secret, signed.encode(), hashlib.sha256).hexdigest(), sig)
print(base, signed.rsplit("&ts=", 1)[0], "sig-ok" if good else "sig-BAD")
PY
)
}
check() {
	name=$1 want=$2
	sigcheck
	if [ "$CODE" = 303 ] &&
	    [ "$res" = "https://shop.example/tapped $want sig-ok" ]; then
		ok "$name"
	else
		bad "$name: HTTP $CODE, $res (want $want), Location $LOC"
	fi
}

location "$(sc 1)"
check valid_303 "verdict=valid&uid=$SC&ctr=1&label="
ts=$(printf '%s' "$LOC" | sed 's/.*&ts=\([0-9]*\)&sig=.*/\1/')
now=$(date +%s)
[ "$ts" -le "$now" ] && [ "$ts" -gt $((now - 600)) ] && ok ts_unix_seconds ||
    bad "ts $ts (now $now)"
location "$(sc 1)"
check replay_no_uid "verdict=replay&uid=&ctr=&label="
location "$(sc 2 | sed 's/cmac=0/cmac=1/; t; s/cmac=./cmac=0/')"
check bad_mac_no_uid "verdict=bad_mac&uid=&ctr=&label="
location "$ROUTE?garbage"
check malformed_303 "verdict=malformed&uid=&ctr=&label="
# A tampered query does not verify.
LOC=$(printf '%s' "$LOC" | sed 's/verdict=malformed/verdict=valid/')
sigcheck
case $res in *" verdict=valid&uid=&ctr=&label= sig-BAD") ok tampered_sig_bad ;;
*) bad "tampered: $res" ;; esac
# Other routes answer as before.
expect api_json_unchanged 409 '"verdict":"replay"' \
    "/api/verify?url=$(sed -n 1p "$DIR/sc.urls" | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip(), safe=""))')"
stop_server

# redirect-uid = yes: the replay names the tag too.
printf 'redirect-uid = yes\n' >>"$DIR/conf"
start_server --config "$DIR/conf"
location "$(sc 2)"
check uid_yes_valid "verdict=valid&uid=$SC&ctr=2&label="
location "$(sc 2)"
check uid_yes_replay "verdict=replay&uid=$SC&ctr=2&label="
stop_server

# Bad settings: refused at start-up, the reason named.
refuses() {
	name=$1 want=$2
	"$VERIFYD" --listen 127.0.0.1:0 --config "$DIR/bad" >"$DIR/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -qF -- "$want" "$DIR/out"; then
		ok "$name"
	else
		bad "$name: rc $rc: $(cat "$DIR/out")"
	fi
}
head -4 "$DIR/conf" >"$DIR/base"
{ cat "$DIR/base"; printf '[route /t]\nredirect = http://shop.example/\nredirect-secret-file = %s\n' "$DIR/secret"; } >"$DIR/bad"
refuses http_refused 'is not an https:// URL'
{ cat "$DIR/base"; printf '[route /t]\nredirect = https://shop.example/\nredirect-secret-file = %s\n' "$DIR/nonexistent"; } >"$DIR/bad"
refuses missing_secret_refused "redirect-secret-file $DIR/nonexistent: No such file"
{ cat "$DIR/base"; printf '[route /t]\nredirect = https://shop.example/\n'; } >"$DIR/bad"
refuses no_secret_refused 'redirect needs redirect-secret-file'
{ cat "$DIR/base"; printf 'redirect = https://shop.example/\n'; } >"$DIR/bad"
refuses outside_route_refused ':5: redirect belongs in a [route PATH] section'
printf 'short\n' >"$DIR/short"
{ cat "$DIR/base"; printf '[route /t]\nredirect = https://shop.example/\nredirect-secret-file = %s\n' "$DIR/short"; } >"$DIR/bad"
refuses short_secret_refused 'the secret must be 16 to 256 bytes'
finish
