#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd over HTTP on SQLite: the AN12196 vectors, URLs made by
# the emulated tag after provisioning with both presets, verdicts, JSON
# and the landing page, replays (also 64 at once), re-provisioning.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }

fx an12196 "$DB" "$KEK"
COIN=$(fx provision "$DB" "$KEK" game-coin "$DIR/coin.tag")
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/coin.tag" 6 >"$DIR/coin.urls"
fx tap "$DIR/sc.tag" 5 >"$DIR/sc.urls"
GONE=$(fx provision "$DB" "$KEK" self-checkout "$DIR/gone.tag")
fx tap "$DIR/gone.tag" 1 >"$DIR/gone.urls"
fx status "$DB" "$KEK" "$GONE" factory
coin() { pq "$(sed -n "${1}p" "$DIR/coin.urls")"; }
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }

start_server --db "$DB" --kek-file "$KEK" --cohort an12196 \
    --cohort self-checkout --per-tag-meta-keys yes --log-level warn \
    --metrics-listen 127.0.0.1:0

expect healthz 200 ok /healthz

# AN12196 4.4.2-4.4.3, Tables 3-5: vectors SUN-2 and SUN-3.
SUN2='/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086'
expect sun2_valid 200 '"verdict":"valid","uid":"04DE5F1EACC040","counter":61,"generation":1' "$SUN2"
expect sun2_replay 409 '"verdict":"replay"' "$SUN2"
SUN3='https%3A%2F%2Fmy424dna.com%2F%3Fpicc_data%3DFDE4AFA99B5C820A2C1BB0F1C792D0EB%26enc%3D94592FDE69FA06E8E3B6CA686A22842B%26cmac%3DC48B89C17A233B2C'
expect sun3_api_valid 200 '"uid":"04958CAA5C5E80","counter":1,"generation":1,"file_data":"78787878787878787878787878787878"' "/api/verify?url=$SUN3"
expect sun3_api_replay 409 '"verdict":"replay"' "/api/verify?url=$SUN3"

# Game coin (random keys, per-tag meta-read key): taps in order.
expect coin_tap1 200 "\"uid\":\"$COIN\",\"counter\":1," "$(coin 1)"
expect coin_tap2 200 '"counter":2,' "$(coin 2)"
expect coin_tap1_again 409 '"verdict":"replay"' "$(coin 1)"
expect coin_tap4_before_3 200 '"counter":4,' "$(coin 4)"
expect coin_tap3_late 409 '"verdict":"replay"' "$(coin 3)"
# Lower-case hex and the parameters the other way round.
U5=$(coin 5 | sed 's|/c?picc=\([0-9A-F]*\)&cmac=\([0-9A-F]*\)|/c?cmac=\2\&picc=\1|' | tr 'A-F' 'a-f')
expect coin_lower_swapped 200 '"counter":5,' "$U5"

# Self-checkout (cohort meta-read key, diversified MAC key).
expect sc_tap1 200 "\"uid\":\"$SC\",\"counter\":1," "$(sc 1)"
expect sc_tap1_replay 409 '"verdict":"replay"' "$(sc 1)"
BADMAC=$(sc 2 | sed 's/.$/0/; t; s/$//')
[ "$BADMAC" = "$(sc 2)" ] && BADMAC=$(sc 2 | sed 's/.$/1/')
expect sc_bad_mac 403 '"verdict":"bad_mac"' "$BADMAC"
expect sc_tap2_after_forgery 200 '"counter":2,' "$(sc 2)"

# Unknown tag: PICCData decrypts (cohort key) but the UID is not provisioned.
expect unknown_tag 404 '"verdict":"unknown_tag"' "$(pq "$(cat "$DIR/gone.urls")")"

# The landing page (no JSON asked for).
CODE=$(curl -s --max-time 5 -o "$DIR/page" -w '%{http_code}' "$BASE$(sc 3)")
if [ "$CODE" = 200 ] && grep -q '>Genuine<' "$DIR/page" &&
    grep -q "$(echo "$SC" | cut -c1-4)\*\*\*\*\*\*$(echo "$SC" | cut -c11-14)" "$DIR/page" &&
    ! grep -q "$SC" "$DIR/page" && ! grep -qi '<script' "$DIR/page"; then
	ok page_genuine_masked_uid
else
	bad "page_genuine: HTTP $CODE $(cat "$DIR/page")"
fi
CODE=$(curl -s --max-time 5 -o "$DIR/page" -w '%{http_code}' "$BASE$(sc 3)")
[ "$CODE" = 409 ] && grep -q '>Already used<' "$DIR/page" &&
    ok page_already_used || bad "page_already_used: HTTP $CODE"

# Keep-alive: a valid answer (it waited for the commit), a refusal, a
# health check and another valid answer, all on one connection.
curl -sv --max-time 10 -H 'Accept: application/json' "$BASE$(sc 4)" \
    "$BASE$BADMAC" "$BASE/healthz" "$BASE$(sc 5)" >"$DIR/ka" 2>"$DIR/ka.err"
reused=$(grep -c 'Re-using existing connection' "$DIR/ka.err")
nvalid=$(grep -o '"verdict":"valid"' "$DIR/ka" | wc -l)
if [ "$reused" -eq 3 ] && [ "$nvalid" -eq 2 ] && grep -q bad_mac "$DIR/ka" &&
    ! grep -qi '^< Connection: close' "$DIR/ka.err"; then
	ok keep_alive
else
	bad "keep_alive: $reused reused, $nvalid valid: $(cat "$DIR/ka")"
fi

# 64 identical requests at once: exactly one valid.
fx tap "$DIR/coin.tag" 1 >"$DIR/c7"
U7=$(pq "$(cat "$DIR/c7")")
i=0
pids=""
while [ $i -lt 64 ]; do
	curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' \
	    "$BASE$U7" >"$DIR/race.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
n200=$(cat "$DIR"/race.* | grep -c '^200$')
n409=$(cat "$DIR"/race.* | grep -c '^409$')
[ "$n200" -eq 1 ] && [ "$n409" -eq 63 ] && ok "race_64_one_valid" ||
    bad "race_64: $n200 valid, $n409 replay"

# Re-provisioning the game coin: new keys, new generation, counter from 0.
fx tap "$DIR/coin.tag" 1 >"$DIR/c8"
OLD=$(pq "$(cat "$DIR/c8")")
fx provision "$DB" "$KEK" game-coin "$DIR/coin.tag" "$COIN" >/dev/null
fx tap "$DIR/coin.tag" 1 >"$DIR/c9"
expect reprovisioned_old_url_refused 403 '"verdict":"bad_mac"' "$OLD"
# A new per-tag meta-read key is picked up by a reload, at most once a
# second (ntag424-verifyd(8)): wait that second out.
sleep 1.1
expect reprovisioned_not_locked_out 200 '"counter":1,"generation":2' "$(pq "$(cat "$DIR/c9")")"

# /metrics: not on the public listener, on its own.
expect metrics_not_public 404 'no such route' /metrics
metrics
printf '%s' "$BODY" | grep -q '^verifyd_requests_total{verdict="valid"} [1-9]' &&
    printf '%s' "$BODY" | grep -q 'verifyd_request_seconds_bucket{le="+Inf"}' &&
    ok metrics || bad "metrics: $BODY"
# Every answer that needed the counter went through a commit: at least as
# many advances as valid answers, at least one per commit.
m() { printf '%s\n' "$BODY" | awk -v k="$1" '$1 == k { print $2 }'; }
nv=$(m 'verifyd_requests_total{verdict="valid"}')
nc=$(m verifyd_commits_total)
na=$(m verifyd_commit_advances_total)
[ -n "$nc" ] && [ -n "$na" ] && [ "$nc" -ge 1 ] && [ "$na" -ge "$nc" ] &&
    [ "$na" -ge "$nv" ] && ok metrics_commits ||
    bad "metrics_commits: $nv valid, $nc commits, $na advances"
expect no_route 404 'no such route' /nope
CODE=$(curl -s --max-time 5 -o "$DIR/page" -w '%{http_code}' "$BASE/nope")
[ "$CODE" = 404 ] && grep -q '>Page not found<' "$DIR/page" &&
    ok no_route_page_for_a_browser || bad "no route page: $CODE $(cat "$DIR/page")"
finish
