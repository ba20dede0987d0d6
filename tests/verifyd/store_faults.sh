#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The SQLite keystore on a file system that fills up or is read-only. Runs
# as root in a private mount namespace (it re-executes itself under
# unshare -m) with the keystore on its own small tmpfs.
#
# Full: a first tap gets 503 store_error with the reason, a replay is still
# a replay, the server keeps serving; once there is room the refused URL is
# valid once (it was never accepted).
#
# Read-only: Linux refuses to remount a file system read-only while a file
# on it is open for writing, so a running server never sees its keystore
# turn read-only; it meets one at the start (the mount went read-only while
# it was down). It must then refuse to start, also when a crash left the
# WAL files behind (SQLite would open the store read-only and every commit
# would fail, even after the mount is writable again).
VERIFYD=$1 FIXTURE=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "skip: mounting a tmpfs needs root"
	exit 77
fi
if [ -z "${VD_STORE_FAULTS_NS:-}" ]; then
	unshare -m true 2>/dev/null || { echo "skip: no unshare -m"; exit 77; }
	VD_STORE_FAULTS_NS=1 exec unshare -m sh "$0" "$@"
fi
mount --make-rprivate / || { echo "skip: cannot make / private"; exit 77; }
. "$(dirname "$0")/lib.sh"
FS=$DIR/fs
mkdir "$FS"
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FS" || exit 1
fs_cleanup() { stop_server; umount "$FS" 2>/dev/null; cleanup; }
trap fs_cleanup EXIT
DB=$FS/ks.db

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 4 >"$DIR/sc.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }
valid() { printf '"verdict":"valid","uid":"%s","counter":%s,' "$SC" "$1"; }
REPLAY='"verdict":"replay","reason":"'
FULL='"verdict":"store_error","reason":"the service cannot check tags at the moment and accepted nothing; ask again later (request '
FULL_LOG="store_error: the counter store failed, nothing was accepted: the keystore $DB is full"

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --metrics-listen 127.0.0.1:0
expect genuine_valid 200 "$(valid 1)" "$(sc 1)"

# The server holds the keystore open for writing: the kernel says no.
if mount -o remount,ro "$FS" 2>/dev/null; then
	bad "remount_ro_refused_while_serving: the mount went read-only"
	mount -o remount,rw "$FS"
else
	ok remount_ro_refused_while_serving
fi

# Full: the WAL cannot grow for the commit.
dd if=/dev/zero of="$FS/fill" bs=4k >/dev/null 2>"$DIR/dd.err"
grep -q 'No space left' "$DIR/dd.err" && ok fs_filled || bad "fill: $(cat "$DIR/dd.err")"
expect full_store_error 503 "$FULL" "$(sc 2)"
expect full_same_url_again 503 "$FULL" "$(sc 2)"
expect full_replay_not_valid 409 "$REPLAY" "$(sc 1)"
get /healthz
[ "$CODE" = 200 ] && [ "$BODY" = ok ] && ok full_healthz ||
    bad "full_healthz: HTTP $CODE $BODY"
grep -q "$FULL_LOG" "$DIR/server.log" && ok full_reason_logged ||
    bad "full reason not logged: $(cat "$DIR/server.log")"
grep -q "$DB" "$DIR/body" && bad "503 body names the keystore: $BODY" ||
    ok full_body_names_no_file
metrics
n=$(printf '%s\n' "$BODY" | sed -n 's/^verifyd_store_errors_total //p')
[ "$n" = 2 ] && ok full_store_errors_counted || bad "store errors: '$n' (want 2)"
grep -q "error: counter store: the keystore $DB is full" "$DIR/server.log" &&
    ok full_logged || bad "full not logged: $(cat "$DIR/server.log")"
rm -f "$FS/fill"
expect freed_refused_url_valid 200 "$(valid 2)" "$(sc 2)"
expect freed_refused_url_replay 409 "$REPLAY" "$(sc 2)"
expect freed_next_valid 200 "$(valid 3)" "$(sc 3)"

# A crash leaves the WAL files; then the mount goes read-only.
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
[ -s "$DB-wal" ] && [ -s "$DB-shm" ] && ok crash_left_wal ||
    bad "no WAL files after kill -9: $(ls -l "$FS")"
# refused NAME REASON: the server exits at once with the reason.
refused() {
	timeout 10 "$VERIFYD" --db "$DB" --kek-file "$KEK" \
	    --cohort self-checkout --listen 127.0.0.1:0 \
	    --port-file "$DIR/port.ro" >"$DIR/ro.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qF -- \
	    "ntag424-verifyd: cannot open the keystore $DB ($2" "$DIR/ro.log"
	then
		ok "$1"
	else
		bad "$1: exit $rc, $(cat "$DIR/ro.log")"
	fi
}
mount -o remount,ro "$FS" && ok remount_ro_when_stopped ||
    bad "remount ro failed with the server stopped"
refused read_only_with_wal_refused "it can only be opened read-only"
mount -o remount,rw "$FS"

# A clean stop removes the WAL files; read-only again.
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout
stop_server
[ ! -e "$DB-wal" ] && ok clean_stop_no_wal || bad "WAL left by a clean stop"
mount -o remount,ro "$FS"
refused read_only_refused "unable to open database file"
mount -o remount,rw "$FS"

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout
expect writable_again_valid 200 "$(valid 4)" "$(sc 4)"
expect writable_again_replay 409 "$REPLAY" "$(sc 4)"
expect earlier_still_replay 409 "$REPLAY" "$(sc 3)"
finish
