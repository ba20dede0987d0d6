#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The files under a running verifyd. The keystore deleted or replaced
# (renamed over) while it runs: the next first tap is store_error, never a
# valid answer committed to the unlinked file, and no URL answered valid is
# valid again after a restart on the file at the path. --port-file refuses
# a FIFO and a symbolic link and leaves them as they are.
#   store_files.sh VERIFYD FIXTURE NTAG424
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
u() { pq "$(sed -n "${1}p" "$DIR/t.urls")"; }
STORE='"verdict":"store_error"'

TAG=$(fx engine "$DB" "$KEK" self-checkout "$DIR/t.tag" provision)
fx tap "$DIR/t.tag" 6 >"$DIR/t.urls"
cp "$DB" "$DIR/snapshot.db"	# the fixture closed it: no WAL left
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
expect before_swap_valid 200 '"verdict":"valid"' "$(u 1)"

# Replaced: a copy renamed over the live file (a restore).
cp "$DIR/snapshot.db" "$DIR/restored.db"
rm -f "$DB-wal" "$DB-shm"
mv "$DIR/restored.db" "$DB"
expect replaced_store_error 503 "$STORE" "$(u 2)"
grep -q "deleted or replaced while open" "$DIR/server.log" &&
    ok replaced_logged || bad "no log line: $(tail -3 "$DIR/server.log")"
get "$(u 3)"
echo "$CODE $(u 3)" >"$DIR/answers"
[ "$CODE" = 200 ] || [ "$CODE" = 503 ] && ok "after_replace_answered ($CODE)" ||
    bad "after replace: $CODE $BODY"

stop_server

# Restart on the file at the path: whatever was answered valid after the
# swap stays used.
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
while read -r code url; do
	[ "$code" = 200 ] || continue
	expect "valid_after_swap_stays_used" 409 '"verdict":"replay"' "$url"
done <"$DIR/answers"

# Deleted: nothing to commit to.
rm -f "$DB" "$DB-wal" "$DB-shm"
expect deleted_store_error 503 "$STORE" "$(u 4)"
expect deleted_still_store_error 503 "$STORE" "$(u 5)"
stop_server
# Counter 5 was never accepted: still fresh on a restored file.
cp "$DIR/snapshot.db" "$DB"
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
expect store_error_url_not_consumed 200 '"verdict":"valid"' "$(u 5)"
stop_server

# --port-file: a FIFO and a symbolic link are refused and left alone.
mkfifo "$DIR/fifo"
"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/fifo" --db "$DB" \
    --kek-file "$KEK" >"$DIR/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -qF "cannot write the port file $DIR/fifo: it is not a regular file" \
    "$DIR/out" && [ -p "$DIR/fifo" ] && ok port_file_fifo_refused ||
    bad "port file FIFO: rc $rc $(cat "$DIR/out")"
ln -s "$DIR/elsewhere" "$DIR/link"
"$VERIFYD" --listen 127.0.0.1:0 --port-file "$DIR/link" --db "$DB" \
    --kek-file "$KEK" >"$DIR/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -qF "it is a symbolic link" "$DIR/out" &&
    [ -L "$DIR/link" ] && [ ! -e "$DIR/elsewhere" ] &&
    ok port_file_symlink_refused || bad "port file link: rc $rc $(cat "$DIR/out")"
[ -z "$(ls "$DIR" | grep '\.tmp')" ] && ok no_temporaries ||
    bad "left: $(ls "$DIR")"
finish
