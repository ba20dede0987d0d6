#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# /readyz: 503 while the counter store cannot commit (here: the SQLite
# keystore moved away under the running server), 200 again once it can,
# found by the server's own probe without a request; /healthz is not it.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
u() { pq "$(sed -n "${1}p" "$DIR/t.urls")"; }
fx provision "$DB" "$KEK" self-checkout "$DIR/t.tag" >/dev/null
fx tap "$DIR/t.tag" 3 >"$DIR/t.urls"
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level error

expect ready_at_start 200 ready /readyz
expect tap1_valid 200 '"verdict":"valid"' "$(u 1)"
mkdir "$DIR/away"
for f in "$DB" "$DB-wal" "$DB-shm"; do [ ! -e "$f" ] || mv "$f" "$DIR/away/"; done
expect tap2_store_error 503 '"verdict":"store_error"' "$(u 2)"
expect not_ready_while_store_gone 503 'the counter store cannot commit' /readyz
mv "$DIR/away/"* "$DIR/"
# The committer probes about once a second: ask up to 100 times.
i=0
while get /readyz && [ "$CODE" != 200 ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
[ "$CODE" = 200 ] && [ "$BODY" = ready ] && ok ready_again_without_a_tap ||
    bad "readyz after the store is back: $CODE $BODY"
expect tap3_valid 200 '"verdict":"valid","uid":' "$(u 3)"
finish
