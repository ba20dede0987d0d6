#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A damaged sealed key row in a SQLite keystore (one hex digit of the
# sealed value changed with sqlite3): the server starts, serves every other
# tag, answers the damaged tag key_unavailable (503, never bad_mac) and
# logs a keystore message naming its UID. A damaged per-tag meta-read key
# (--per-tag-meta-keys) is left out with a log line naming the UID, and
# the other tags' keys still work.
VERIFYD=$1 FIXTURE=$2 GEN=$3
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3"; exit 77; }

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
url() { "$GEN" urls "$DB" "$KEK" 1 "$2" "$1" | tail -n 1; }
# Flip the 41st hex digit of a sealed key (inside the ciphertext).
damage() {
	sqlite3 "$DB" "UPDATE tag_keys SET sealed = substr(sealed, 1, 40) ||
	    (CASE substr(sealed, 41, 1) WHEN '0' THEN '1' ELSE '0' END) ||
	    substr(sealed, 42) WHERE uid = '$1' AND keyno = $2
	    AND slot = 'current'" || { echo "FAIL sqlite3"; exit 1; }
}

"$GEN" tags "$DB" "$KEK" 3 0 random || { echo "FAIL vd_gen"; exit 1; }
url 0 1 >"$DIR/t0" && url 1 1 >"$DIR/t1" && url 2 1 >"$DIR/t2" || exit 1
BAD=04000000015A42
damage $BAD 3
start_server --db "$DB" --kek-file "$KEK" --log-level warn
ok started_with_a_damaged_row

expect other_tag_valid 200 '"verdict":"valid","uid":"04000000005A42"' "$(cat "$DIR/t0")"
expect damaged_tag_key_unavailable 503 '"verdict":"key_unavailable"' "$(cat "$DIR/t1")"
expect damaged_tag_again 503 '"verdict":"key_unavailable"' "$(cat "$DIR/t1")"
expect third_tag_valid 200 '"verdict":"valid","uid":"04000000025A42"' "$(cat "$DIR/t2")"
expect healthz_ok 200 ok /healthz
grep -q "tag $BAD: its file-read key cannot be unsealed in the keystore $DB: tag $BAD: its set of key rows in $DB does not authenticate" "$DIR/server.log" &&
    ok log_names_uid || bad "log: $(cat "$DIR/server.log")"
grep -q "response MAC" "$DIR/server.log" && bad "a tag-APDU message in the log" ||
    ok no_tag_apdu_message

# Per-tag meta-read keys: two game coins, one with its key 1 damaged.
stop_server
COIN=$(fx provision "$DB" "$KEK" game-coin "$DIR/coin.tag")
COIN2=$(fx provision "$DB" "$KEK" game-coin "$DIR/coin2.tag")
fx tap "$DIR/coin2.tag" 1 >"$DIR/coin2.urls"
damage "$COIN" 1
start_server --db "$DB" --kek-file "$KEK" --log-level warn \
    --per-tag-meta-keys yes
grep -q "tag $COIN: its meta-read key (key 1) left out: tag $COIN: its set of key rows in $DB does not authenticate" "$DIR/server.log" &&
    ok meta_key_logged || bad "meta log: $(cat "$DIR/server.log")"
expect other_coin_valid 200 "\"verdict\":\"valid\",\"uid\":\"$COIN2\"" "$(pq "$(cat "$DIR/coin2.urls")")"
finish
