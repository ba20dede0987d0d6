#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Keys inside a running verifyd: PROVISIO_KEK is gone from
# /proc/PID/environ, the process is not dumpable (its /proc files belong to
# root and the user it runs as cannot read them), and SIGABRT under
# "ulimit -c unlimited" leaves no core holding the KEK or a tag key.
#   process_secrets.sh VERIFYD FIXTURE NTAG424
VERIFYD=$(realpath "$1") FIXTURE=$2 NTAG424=$3
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
[ "$(id -u)" = 0 ] || { echo "skip: needs root (setpriv, core_pattern)"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: no setpriv"; exit 77; }

T1=$(fx engine "$DB" "$KEK" self-checkout "$DIR/t1.tag" provision)
KEKHEX=$(tr -d ' \n' <"$KEK")
"$NTAG424" keys show "$T1" --reveal --db "$DB" --kek-file "$KEK" |
    awk '$1 == "key" { print $NF }' >"$DIR/tagkeys"
[ "$(wc -l <"$DIR/tagkeys")" -ge 5 ] && ok tag_keys_revealed ||
    bad "keys show: $(cat "$DIR/tagkeys")"
fx tap "$DIR/t1.tag" 1 >"$DIR/t1.urls"

# A file, a hex string and its bytes: found anywhere in FILE?
holds() {
	grep -qaiF "$2" "$1" && return 0
	pat=$(printf '%s' "$2" | sed 's/../\\x&/g')
	LC_ALL=C grep -qaP "$pat" "$1"
}

# 1. The environment, as another user: verifyd runs as nobody.
chmod 755 "$DIR"
chmod 644 "$DB"* 2>/dev/null
chown -R nobody "$DIR"
export PROVISIO_KEK="$KEKHEX"
rm -f "$DIR/port"
setpriv --reuid=65534 --regid=65534 --clear-groups "$VERIFYD" \
    --listen 127.0.0.1:0 --port-file "$DIR/port" --db "$DB" \
    --cohort self-checkout --log-level warn >>"$DIR/server.log" 2>&1 &
SERVER_PID=$!
unset PROVISIO_KEK
i=0
while [ ! -s "$DIR/port" ] && [ $i -lt 100 ] && kill -0 $SERVER_PID 2>/dev/null
do i=$((i + 1)); sleep 0.05; done
[ -s "$DIR/port" ] || { cat "$DIR/server.log"; bad "server as nobody did not start"; finish; exit 1; }
BASE=http://127.0.0.1:$(cat "$DIR/port")
expect env_kek_serves 200 "\"uid\":\"$T1\"" "$(pq "$(cat "$DIR/t1.urls")")"
if tr '\0' '\n' <"/proc/$SERVER_PID/environ" | grep -q '^PROVISIO_KEK=' ||
    holds "/proc/$SERVER_PID/environ" "$KEKHEX"; then
	bad "PROVISIO_KEK still in /proc/$SERVER_PID/environ"
else
	ok kek_not_in_environ
fi
owner=$(stat -c %U "/proc/$SERVER_PID/environ")
[ "$owner" = root ] && ok proc_files_owned_by_root ||
    bad "/proc/PID/environ belongs to $owner: the process is dumpable"
if setpriv --reuid=65534 --regid=65534 --clear-groups \
    cat "/proc/$SERVER_PID/environ" >/dev/null 2>&1; then
	bad "the user verifyd runs as can read its /proc/PID/environ"
else
	ok same_user_cannot_read_environ
fi
stop_server
chown -R root "$DIR"

# 2. Cores: a relative core_pattern puts them in the cwd; otherwise point
# it at our directory for the length of the test, then restore it.
mkdir -p "$DIR/cores"
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
*/* | \|*)
	if printf '%s\n' "$DIR/cores/core.%p" >/proc/sys/kernel/core_pattern
	then
		trap 'printf "%s\n" "$pattern" >/proc/sys/kernel/core_pattern;
		    cleanup' EXIT
	else
		echo "skip: core_pattern is $pattern and cannot be changed"
		finish
		exit $?
	fi
	;;
esac
# The rig itself: a dumpable process leaves a core here.
(cd "$DIR/cores" && ulimit -c unlimited && exec sleep 30) &
ctl=$!
# Abort it only once it is sleep (after the ulimit and the exec).
i=0
while [ "$(readlink "/proc/$ctl/exe")" != "$(command -v sleep)" ] &&
    [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.01; done
kill -ABRT $ctl
wait $ctl 2>/dev/null
n=$(ls "$DIR/cores" | wc -l)
if [ "$n" -eq 0 ]; then
	echo "skip: no core from a dumpable process (core_pattern $pattern)"
	finish
	exit $?
fi
ok control_process_dumps_core
rm -f "$DIR"/cores/*

(cd "$DIR/cores" && ulimit -c unlimited && exec "$VERIFYD" \
    --listen 127.0.0.1:0 --port-file "$DIR/port2" --db "$DB" \
    --kek-file "$KEK" --cohort self-checkout --log-level warn \
    >>"$DIR/server.log" 2>&1) &
SERVER_PID=$!
i=0
while [ ! -s "$DIR/port2" ] && [ $i -lt 100 ] && kill -0 $SERVER_PID 2>/dev/null
do i=$((i + 1)); sleep 0.05; done
[ -s "$DIR/port2" ] || { cat "$DIR/server.log"; bad "server did not start"; finish; exit 1; }
BASE=http://127.0.0.1:$(cat "$DIR/port2")
# A verified tap: the tag's keys are unsealed in the process now.
fx tap "$DIR/t1.tag" 1 >"$DIR/t2.urls"
expect tap_before_abort 200 "\"uid\":\"$T1\"" "$(pq "$(cat "$DIR/t2.urls")")"
kill -ABRT $SERVER_PID
wait $SERVER_PID 2>/dev/null
SERVER_PID=""
found=""
for c in "$DIR"/cores/*; do
	[ -f "$c" ] || continue
	holds "$c" "$KEKHEX" && found="$found KEK in $(basename "$c");"
	while read -r k; do
		holds "$c" "$k" && found="$found key $k in $(basename "$c");"
	done <"$DIR/tagkeys"
done
[ -z "$found" ] && ok "no_key_in_core ($(ls "$DIR/cores" | wc -l) cores)" ||
    bad "secrets in a core:$found"
finish
