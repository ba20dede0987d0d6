#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# keys rotate-kek leaves every later command working with no extra flag:
# the KEK in the default file is replaced (the old one kept beside it),
# and keys list/show --reveal/export, a provisioning by the real engine
# and a verifyd started afterwards all find the new KEK.
#   kek_rotate.sh VERIFYD FIXTURE NTAG424
VERIFYD=$1 FIXTURE=$2 NTAG424=$3
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME="$DIR/config" XDG_DATA_HOME="$DIR/data" HOME="$DIR"
unset PROVISIO_KEK
KEKF=$DIR/config/provisio/kek
fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
# run NAME CMD...: exit 0 expected; output in $DIR/out
run() {
	name=$1
	shift
	if "$@" >"$DIR/out" 2>&1; then ok "$name"; else
		bad "$name: exit $?"; sed 's/^/  | /' "$DIR/out"; fi
}

T1=$(fx engine "$DB" - self-checkout "$DIR/t1.tag" provision)
fx tap "$DIR/t1.tag" 2 >"$DIR/t1.urls"
[ -f "$KEKF" ] && ok default_kek_created || bad "no KEK in $KEKF"
cp "$KEKF" "$DIR/kek.before"
"$NTAG424" keys show "$T1" --reveal --db "$DB" | grep ' key ' >"$DIR/keys.before"

run rotate "$NTAG424" keys rotate-kek --db "$DB"
grep -qF "written to $KEKF" "$DIR/out" && grep -qF "kept in $KEKF.old-" \
    "$DIR/out" && ok rotate_says_where || bad "rotate output: $(cat "$DIR/out")"
OLD=$(ls "$KEKF".old-* 2>/dev/null | head -n 1)
if [ -n "$OLD" ] && cmp -s "$OLD" "$DIR/kek.before" &&
    ! cmp -s "$KEKF" "$DIR/kek.before" &&
    [ "$(stat -c %a "$OLD")" = 600 ] && [ "$(stat -c %a "$KEKF")" = 600 ]
then ok old_kek_kept_0600; else bad "old KEK not kept: $(ls -l "$DIR/config/provisio")"; fi
[ -z "$(ls "$DIR/config/provisio" | grep -v '^kek$' | grep -v '^kek\.old-')" ] &&
    ok no_temporaries_left || bad "left: $(ls "$DIR/config/provisio")"

run keys_list "$NTAG424" keys list --db "$DB"
grep -q "^$T1 " "$DIR/out" || bad "keys list lacks $T1"
run keys_show_reveal "$NTAG424" keys show "$T1" --reveal --db "$DB"
grep ' key ' "$DIR/out" | cmp -s - "$DIR/keys.before" && ok same_keys_revealed ||
    bad "revealed keys differ after rotation"
run keys_export "$NTAG424" keys export "$DIR/backup.bin" --db "$DB"

T2=$(fx engine "$DB" - self-checkout "$DIR/t2.tag" provision)
[ -n "$T2" ] && ok provision_after_rotate || bad provision_after_rotate
fx tap "$DIR/t2.tag" 1 >"$DIR/t2.urls"

start_server --db "$DB" --cohort self-checkout --log-level warn
expect old_tag_valid 200 "\"uid\":\"$T1\"" "$(pq "$(sed -n 1p "$DIR/t1.urls")")"
expect new_tag_valid 200 "\"uid\":\"$T2\"" "$(pq "$(cat "$DIR/t2.urls")")"
stop_server

# PROVISIO_KEK: there is no file to replace; the user is told what to do.
export PROVISIO_KEK="$(cat "$KEKF")"
"$NTAG424" keys rotate-kek --db "$DB" >"$DIR/out" 2>&1
rc=$?
[ $rc = 2 ] && grep -qF "give --new-kek-file FILE" "$DIR/out" &&
    ok env_rotate_needs_file || bad "env rotate without file: rc $rc $(cat "$DIR/out")"
run env_rotate "$NTAG424" keys rotate-kek --db "$DB" --new-kek-file "$DIR/env.kek"
grep -qF "set PROVISIO_KEK to the content of $DIR/env.kek" "$DIR/out" &&
    ok env_rotate_says_what_to_do || bad "env rotate output: $(cat "$DIR/out")"
export PROVISIO_KEK="$(cat "$DIR/env.kek")"
run env_new_kek_works "$NTAG424" keys show "$T1" --reveal --db "$DB"
finish
