#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The tag directory on PostgreSQL (scripts/pg-rig.sh) across a restart of
# the database (pg_ctl restart) while the server runs: a tag provisioned
# after the restart is valid (its directory connection reconnects), never
# store_error then bad_mac. With the database stopped, a tag not read yet
# is store_error (503) and /healthz says 503; once it is back, /healthz is
# ok and the same URL is valid (it was never accepted). The counter
# committer finds its connection gone at its first commit after the
# restart and answers that one batch store_error ("the counter store
# failed", batch.c: a commit whose outcome is unknown is not retried):
# a tap is therefore valid at once or after that one answer.
VERIFYD=$1 GEN=$3
. "$(dirname "$0")/lib.sh"
[ -n "${PROVISIO_PG_URI:-}" ] || { echo "no PROVISIO_PG_URI"; exit 77; }
DB=$PROVISIO_PG_URI
PGDIR=$(printf '%s' "$DB" | sed 's/.*host=\([^&]*\).*/\1/')
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
AS=""
[ "$(id -u)" -eq 0 ] && AS="runuser -u postgres --"
# pg_ctl restart starts the server again from postmaster.opts (the rig's
# own command line); the rig then no longer knows its PID: stop it here.
pgctl() { $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pgctl.log" -w -m fast "$@" >>"$DIR/pgctl.out" 2>&1; }
trap 'stop_server; pgctl stop; cleanup' EXIT

url() { "$GEN" urls "$DB" "$KEK" 1 "$2" "$1" | tail -n 1; }
valid() { printf '"verdict":"valid","uid":"040000000%s5A42","counter":%s,' "$1" "$2"; }
# expect_after_outage NAME UIDIDX URLFILE: valid, or the committer's one
# store_error (its log line names the counter store) and then valid.
expect_after_outage() {
	get "$(cat "$3")"
	# The answer names only a request id; the log says which store failed.
	rid=$(printf '%s' "$BODY" | sed -n 's/.*"request":"\([0-9a-f]*\)".*/\1/p')
	if [ "$CODE" = 503 ] && [ -n "$rid" ] &&
	    grep -q "request $rid: store_error: the counter store failed" \
	    "$DIR/server.log"
	then
		get "$(cat "$3")"
	fi
	if [ "$CODE" = 200 ] && printf '%s' "$BODY" | grep -qF "$(valid "$2" 1)"
	then
		ok "$1"
	else
		bad "$1: HTTP $CODE, body: $BODY"
	fi
}

"$GEN" tags "$DB" "$KEK" 2 || { echo "FAIL vd_gen"; exit 1; }
url 0 1 >"$DIR/t0.1"; url 1 1 >"$DIR/t1.1"
start_server --db "$DB" --kek-file "$KEK" --log-level warn
expect before_restart 200 "$(valid 0 1)" "$(cat "$DIR/t0.1")"

pgctl restart || { echo "FAIL pg_ctl restart: $(cat "$DIR/pgctl.out")"; exit 1; }
"$GEN" tags "$DB" "$KEK" 1 2 || { echo "FAIL vd_gen"; exit 1; }
url 2 1 >"$DIR/t2.1"
expect_after_outage new_tag_after_restart 2 "$DIR/t2.1"
expect old_tag_after_restart 200 "$(valid 1 1)" "$(cat "$DIR/t1.1")"
expect healthz_after_restart 200 ok /healthz

"$GEN" tags "$DB" "$KEK" 1 3 || { echo "FAIL vd_gen"; exit 1; }
url 3 1 >"$DIR/t3.1"
pgctl stop || { echo "FAIL pg_ctl stop: $(cat "$DIR/pgctl.out")"; exit 1; }
expect db_down_store_error 503 '"verdict":"store_error"' "$(cat "$DIR/t3.1")"
expect db_down_healthz 503 'keystore unavailable' /healthz
grep -q "tag directory: reading tag 04000000035A42 failed" "$DIR/server.log" &&
    ok db_down_logged || bad "log: $(cat "$DIR/server.log")"
pgctl restart || { echo "FAIL pg_ctl start: $(cat "$DIR/pgctl.out")"; exit 1; }
# /healthz probes the keystore at most once a second: ask until it does.
i=0
while [ $i -lt 50 ]; do
	get /healthz
	[ "$CODE" = 200 ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "$CODE" = 200 ] && ok db_back_healthz || bad "healthz after start: $CODE $BODY"
expect_after_outage db_back_valid 3 "$DIR/t3.1"
finish
