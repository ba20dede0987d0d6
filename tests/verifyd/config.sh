#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The configuration file: comments after a value, unknown keys refused
# with the file and line, route sections in their place.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
fx provision "$DB" "$KEK" self-checkout "$DIR/t.tag" >/dev/null
fx tap "$DIR/t.tag" 1 >"$DIR/t.urls"

cat >"$DIR/conf" <<CONF
# the service
db        = $DB      # the keystore
kek-file  = $KEK	# a tab before this comment
cohort    = self-checkout  # every stored version is tried
log-level = warn #
CONF
start_server --config "$DIR/conf"
expect trailing_comments_work 200 '"verdict":"valid"' \
    "$(pq "$(sed -n 1p "$DIR/t.urls")")"
stop_server

# refuses NAME TEXT: the server exits non-zero, saying TEXT.
refuses() {
	"$VERIFYD" --listen 127.0.0.1:0 --config "$DIR/bad" >"$DIR/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -qF -- "$2" "$DIR/out"; then
		ok "$1"
	else
		bad "$1: rc $rc: $(cat "$DIR/out")"
	fi
}
{ cat "$DIR/conf"; echo 'colour = red  # no such key'; } >"$DIR/bad"
refuses unknown_key_names_line "$DIR/bad:6: unknown option \"colour\""
{ cat "$DIR/conf"; echo 'threads = 2x'; } >"$DIR/bad"
refuses bad_value_names_line "$DIR/bad:6: threads: invalid value \"2x\""
{ cat "$DIR/conf"; echo 'no equals sign'; } >"$DIR/bad"
refuses no_equals_names_line "$DIR/bad:6: expected \"key = value\""
{ cat "$DIR/conf"; printf '[route /t]\nthreads = 2\n'; } >"$DIR/bad"
refuses global_key_in_route "$DIR/bad:7: threads is not a per-route option"
{ cat "$DIR/conf"; printf '[section]\n'; } >"$DIR/bad"
refuses unknown_section "$DIR/bad:6: expected \"[route /PATH]\""
finish
