#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Someone with write access to the database but not the KEK, against the
# real server: bumping a tag's generation, editing or deleting its counter
# row, rolling its key rows back to an earlier provisioning's sealed values.
# None of it may make a used (or superseded) URL valid: the answer is
# store_error or key_unavailable, and putting the rows back as they were
# makes them authentic again.
#
#   tamper.sh VERIFYD FIXTURE [pg]
# With "pg" the keystore is the PostgreSQL of scripts/pg-rig.sh.
VERIFYD=$1 FIXTURE=$2 MODE=${3:-sqlite}
. "$(dirname "$0")/lib.sh"
if [ "$MODE" = pg ]; then
	[ -n "${PROVISIO_PG_URI:-}" ] || { echo "no PROVISIO_PG_URI"; exit 77; }
	DB=$PROVISIO_PG_URI
fi

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
sql() {
	if [ "$MODE" = pg ]; then
		psql -qtA -v ON_ERROR_STOP=1 "$DB" -c "$1"
	else
		sqlite3 -batch -noheader "$DB" "$1"
	fi || { echo "FAIL sql: $1"; exit 1; }
}
u() { pq "$(sed -n "${2}p" "$DIR/$1.urls")"; }
serve() { start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn; }
# refused NAME PATH: never valid; 503 store_error or key_unavailable.
refused() {
	get "$2"
	case "$CODE $BODY" in
	'503 '*'"verdict":"store_error"'*|'503 '*'"verdict":"key_unavailable"'*)
		ok "$1" ;;
	*)	bad "$1: HTTP $CODE, body: $BODY" ;;
	esac
}

SC=$(fx engine "$DB" "$KEK" self-checkout "$DIR/sc.tag" provision)
fx tap "$DIR/sc.tag" 3 >"$DIR/sc.urls"
serve
expect first_tap 200 "\"uid\":\"$SC\",\"counter\":2," "$(u sc 1)"

# The generation bumped: counters are per generation, so this was a fresh
# start for every used URL. The tag row's MAC covers the generation.
sql "UPDATE tags SET generation = generation + 1 WHERE uid = '$SC'"
refused generation_bump_used_url "$(u sc 1)"
refused generation_bump_new_url "$(u sc 2)"
grep -q "tag $SC: its keystore rows do not authenticate" \
    "$DIR/server.log" && ok generation_bump_logged ||
    bad "generation_bump_logged: $(cat "$DIR/server.log")"
sql "UPDATE tags SET generation = generation - 1 WHERE uid = '$SC'"
expect generation_restored 409 'this URL was used before' "$(u sc 1)"

# The counter row lowered, or deleted (a provisioned tag always has one).
sql "UPDATE counters SET ctr = 0 WHERE uid = '$SC'"
refused counter_lowered "$(u sc 1)"
sql "UPDATE counters SET ctr = 2 WHERE uid = '$SC'"
expect counter_restored 409 'this URL was used before' "$(u sc 1)"
ROW=$(sql "SELECT generation, ctr, updated, mac FROM counters WHERE \
    uid = '$SC'")
sql "DELETE FROM counters WHERE uid = '$SC'"
refused counter_deleted "$(u sc 1)"
IFS='|' read -r G C T M <<EOF
$ROW
EOF
sql "INSERT INTO counters (uid, generation, ctr, updated, mac) VALUES \
    ('$SC', $G, $C, $T, '$M')"
expect counter_reinserted 409 'this URL was used before' "$(u sc 1)"
# Put back to an older authentic value (saved above, counter 2) after tap 2
# (counter 3) was accepted: the running server remembers what it wrote.
expect second_tap 200 '"counter":3,' "$(u sc 2)"
sql "UPDATE counters SET ctr = $C, updated = $T, mac = '$M' WHERE \
    uid = '$SC'"
refused counter_put_back "$(u sc 2)"
refused counter_put_back_again "$(u sc 2)"
sql "UPDATE counters SET mac = NULL WHERE uid = '$SC'"
refused counter_mac_nulled "$(u sc 1)"
stop_server

# A game coin (random keys) provisioned twice; its key rows rolled back to
# the first provisioning's sealed values, which open (same UID, key, slot).
# Unchecked, a first-generation URL whose counter is above the second's
# would verify and count as the current generation's.
COIN=$(fx engine "$DB" "$KEK" game-coin "$DIR/coin.tag" provision)
fx tap "$DIR/coin.tag" 3 >"$DIR/g1.urls"
sql "SELECT keyno, version, sealed FROM tag_keys WHERE uid = '$COIN' AND \
    slot = 'current'" >"$DIR/g1.keys"
fx engine "$DB" "$KEK" game-coin "$DIR/coin.tag" reset
fx engine "$DB" "$KEK" game-coin "$DIR/coin.tag" provision >/dev/null
fx tap "$DIR/coin.tag" 1 >"$DIR/g2.urls"
while IFS='|' read -r K V S; do
	sql "UPDATE tag_keys SET version = $V, sealed = '$S' WHERE \
	    uid = '$COIN' AND keyno = $K AND slot = 'current'"
done <"$DIR/g1.keys"
# The server may refuse to start over a damaged row, or serve and refuse
# this tag; either way the old URL is never valid.
rm -f "$DIR/port"
"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/port" --db "$DB" \
    --kek-file "$KEK" --cohort self-checkout --log-level warn \
    >>"$DIR/server.log" 2>&1 &
SERVER_PID=$!
i=0
while [ ! -s "$DIR/port" ] && kill -0 "$SERVER_PID" 2>/dev/null &&
    [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
if [ -s "$DIR/port" ]; then
	BASE=http://127.0.0.1:$(cat "$DIR/port")
	refused key_rollback_old_url "$(u g1 3)"
	refused key_rollback_new_url "$(u g2 1)"
else
	wait "$SERVER_PID"
	SERVER_PID=""
	grep -q "tag $COIN: its set of key rows in .* does not authenticate" \
	    "$DIR/server.log" && ok key_rollback_refused_at_start ||
	    bad "key_rollback: $(cat "$DIR/server.log")"
fi
finish
