#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What a valid answer rests on, through the real server: an older tap after
# a later one is refused with the true reason; a revoked tag's genuine taps
# are "revoked" (410) while a forged one stays bad_mac; a backup carries
# the read counters, so a restore (into a fresh keystore or over the same
# one) does not make an accepted URL valid again.
#
#   trust.sh VERIFYD FIXTURE NTAG424 [pg]
# With "pg" the keystore is the PostgreSQL of scripts/pg-rig.sh.
VERIFYD=$1 FIXTURE=$2 NTAG424=$3 MODE=${4:-sqlite}
. "$(dirname "$0")/lib.sh"
if [ "$MODE" = pg ]; then
	[ -n "${PROVISIO_PG_URI:-}" ] || { echo "no PROVISIO_PG_URI"; exit 77; }
	DB=$PROVISIO_PG_URI
fi

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
u() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }
keys() { "$NTAG424" keys "$@" >"$DIR/out" 2>&1; }
serve() { start_server --db "$1" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn; }

# The engine's check reads the NDEF once: the taps are counters 2, 3, ...
TAG=$(fx engine "$DB" "$KEK" self-checkout "$DIR/sc.tag" provision)
fx tap "$DIR/sc.tag" 6 >"$DIR/sc.urls"
serve "$DB"

# Out of order: tap 2 (counter 3) first, then tap 1 (counter 2).
expect later_tap_first 200 "\"counter\":3," "$(u 2)"
expect earlier_tap_after 409 'a later tap of this tag was already accepted' \
    "$(u 1)"
expect same_url_again 409 'this URL was used before' "$(u 2)"

# Revoke: bad input first, nothing stored.
keys revoke 04000000000001 --db "$DB" --kek-file "$KEK"
[ $? -eq 1 ] && grep -q 'tag 04000000000001 is not in the keystore' \
    "$DIR/out" && ok revoke_unknown_uid || bad "revoke_unknown_uid: $(cat "$DIR/out")"
keys revoke 0400 --db "$DB"
[ $? -eq 2 ] && grep -q "give the tag's UID" "$DIR/out" &&
    ok revoke_bad_uid || bad "revoke_bad_uid: $(cat "$DIR/out")"
keys unrevoke "$TAG" --db "$DB" --kek-file "$KEK"
[ $? -eq 1 ] && grep -q "tag $TAG is not revoked: nothing was changed" \
    "$DIR/out" && ok unrevoke_not_revoked || bad "unrevoke_not_revoked: $(cat "$DIR/out")"
keys list --db "$DB"
grep -q "^$TAG  provisioned  -  " "$DIR/out" && ok list_not_revoked ||
    bad "list_not_revoked: $(cat "$DIR/out")"

keys revoke "$TAG" --reason "lost at the fair" --db "$DB" \
    --kek-file "$KEK"
[ $? -eq 0 ] && ok revoke || bad "revoke: $(cat "$DIR/out")"
keys list --db "$DB"
grep -q "^$TAG  provisioned  revoked  " "$DIR/out" && ok list_revoked ||
    bad "list_revoked: $(cat "$DIR/out")"
keys list --json --db "$DB"
grep -q '"revoked": true, "revoked_at": "[0-9T:-]*Z", "revoke_reason": "lost at the fair"' \
    "$DIR/out" && ok list_json_revoked || bad "list_json_revoked: $(cat "$DIR/out")"

# The running server learns it from the counter store, at the next tap.
expect revoked_live 410 '"verdict":"revoked"' "$(u 3)"
# A forged URL for the revoked UID: its MAC is checked first.
F=$(u 4 | sed 's/\(cmac=\)0/\11/; t; s/\(cmac=\)./\10/')
expect revoked_forged_is_bad_mac 403 '"verdict":"bad_mac"' "$F"
CODE=$(curl -s -o "$DIR/page" -w '%{http_code}' "$BASE$(u 4)")
[ "$CODE" = 410 ] && grep -q '<h1 id="verdict">Tag disabled</h1>' \
    "$DIR/page" && grep -q 'disabled by its owner' "$DIR/page" &&
    ! grep -q 'lost at the fair' "$DIR/page" && ok revoked_page ||
    bad "revoked_page: HTTP $CODE $(cat "$DIR/page")"
# A server started while the tag is revoked answers from its directory.
stop_server
serve "$DB"
expect revoked_after_restart 410 '"verdict":"revoked"' "$(u 4)"

# Unrevoked: taps read while revoked were not counted, so tap 3 is valid.
keys unrevoke "$TAG" --db "$DB" --kek-file "$KEK"
[ $? -eq 0 ] && ok unrevoke || bad "unrevoke: $(cat "$DIR/out")"
expect unrevoked_valid 200 '"counter":4,' "$(u 3)"

# Backups: exported now (stored counter 4), then tap 5 (counter 6).
keys export "$DIR/b.bin" --db "$DB" --kek-file "$KEK"
[ $? -eq 0 ] && ok export || bad "export: $(cat "$DIR/out")"
expect after_export 200 '"counter":6,' "$(u 5)"
# Over the same keystore: the counter stays 6 (the higher wins).
keys import "$DIR/b.bin" --db "$DB" --kek-file "$KEK"
[ $? -eq 0 ] && grep -q '0 read counters raised' "$DIR/out" &&
    ok import_same_never_lowers || bad "import_same: $(cat "$DIR/out")"
stop_server
serve "$DB"
expect same_store_older_tap 409 'a later tap of this tag was already' "$(u 4)"
expect same_store_used 409 'this URL was used before' "$(u 5)"
stop_server

# Into a fresh keystore: counter 4 comes back with the tag.
if [ "$MODE" = pg ]; then
	psql -q "$DB" -c "SET client_min_messages = warning; DROP TABLE \
	    journal, tag_keys, tags, master_keys, cohort_keys, counters, \
	    kek_check, schema_version, row_auth" >/dev/null || bad drop_tables
	FRESH=$DB
else
	FRESH=$DIR/fresh.db
fi
keys import "$DIR/b.bin" --db "$FRESH" --kek-file "$KEK"
[ $? -eq 0 ] && grep -q ' 1 read counters raised' "$DIR/out" &&
    ok import_fresh || bad "import_fresh: $(cat "$DIR/out")"
serve "$FRESH"
expect fresh_store_used 409 'this URL was used before' "$(u 3)"
expect fresh_store_older 409 'a later tap of this tag was already' "$(u 2)"
expect fresh_store_next 200 '"counter":7,' "$(u 6)"
finish
