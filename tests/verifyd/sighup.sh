#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Key changes reach a running server on SIGHUP. `ntag424 keys rotate-kek`
# re-seals the keystore under a new KEK, which then stands where the
# server's --kek-file points; a tag provisioned after that is
# key_unavailable (503, never bad_mac) until SIGHUP, then valid, and the
# old tags stay valid. A SIGHUP with a KEK file that is unreadable (group-
# readable: refused), wrong or missing keeps the keys already loaded, logs
# why, and the server goes on serving.
VERIFYD=$1 GEN=$3
NTAG424=${NTAG424:-$(dirname "$VERIFYD")/../ntag424/ntag424}
. "$(dirname "$0")/lib.sh"

url() { "$GEN" urls "$DB" "$KEK" 1 "$2" "$1" | tail -n 1; }
valid() { printf '"verdict":"valid","uid":"040000000%s5A42","counter":%s,' "$1" "$2"; }
alive() { kill -0 "$SERVER_PID" 2>/dev/null && ok "$1" || bad "$1: the server died"; }
hup() {
	: >"$DIR/server.log"
	kill -HUP "$SERVER_PID"
	i=0	# the log line is the event that says the reload is over
	while ! grep -q "SIGHUP" "$DIR/server.log" && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

"$GEN" tags "$DB" "$KEK" 2 && "$GEN" tags "$DB" "$KEK" 1 2 random ||
    { echo "FAIL vd_gen"; exit 1; }
url 0 1 >"$DIR/t0.1"; url 0 2 >"$DIR/t0.2"; url 0 3 >"$DIR/t0.3"
url 1 1 >"$DIR/t1.1"; url 2 1 >"$DIR/t2.1"
start_server --db "$DB" --kek-file "$KEK" --log-level info
expect before_rotation 200 "$(valid 0 1)" "$(cat "$DIR/t0.1")"

"$NTAG424" keys rotate-kek --db "$DB" --kek-file "$KEK" \
    --new-kek-file "$DIR/kek.new" >"$DIR/rotate.log" 2>&1 ||
    { echo "FAIL rotate-kek: $(cat "$DIR/rotate.log")"; exit 1; }
# Where the configured KEK file is not replaced in place, put it there.
cmp -s "$KEK" "$DIR/kek.new" || cat "$DIR/kek.new" >"$KEK"
"$GEN" tags "$DB" "$KEK" 1 3 random || { echo "FAIL vd_gen"; exit 1; }
url 3 1 >"$DIR/t3.1"

expect new_tag_before_sighup 503 '"verdict":"key_unavailable"' "$(cat "$DIR/t3.1")"
grep -q "tag 04000000035A42: its file-read key cannot be unsealed" "$DIR/server.log" &&
    ok new_tag_logged || bad "log: $(cat "$DIR/server.log")"
hup
grep -q "SIGHUP: keystore, KEK, cohort keys and templates read again" "$DIR/server.log" &&
    ok sighup_reloaded || bad "sighup log: $(cat "$DIR/server.log")"
expect new_tag_after_sighup 200 "$(valid 3 1)" "$(cat "$DIR/t3.1")"
expect old_tag_after_sighup 200 "$(valid 0 2)" "$(cat "$DIR/t0.2")"
expect old_random_tag_after_sighup 200 "$(valid 2 1)" "$(cat "$DIR/t2.1")"

# Unreadable: a KEK file others may read is refused.
chmod 0644 "$KEK"
hup
chmod 0600 "$KEK"
grep -q "SIGHUP: still serving with the keys loaded before: .*$KEK" "$DIR/server.log" &&
    ok unreadable_kek_logged || bad "unreadable log: $(cat "$DIR/server.log")"
alive unreadable_kek_alive
expect unreadable_kek_serving 200 "$(valid 1 1)" "$(cat "$DIR/t1.1")"

# Wrong: another KEK.
cp "$KEK" "$DIR/kek.good"
( umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$KEK" )
hup
grep -q "SIGHUP: still serving with the keys loaded before: the key-encryption key does not open this keystore" "$DIR/server.log" &&
    ok wrong_kek_logged || bad "wrong log: $(cat "$DIR/server.log")"
alive wrong_kek_alive
expect wrong_kek_serving 200 "$(valid 0 3)" "$(cat "$DIR/t0.3")"

# Missing.
rm -f "$KEK"
hup
grep -q "SIGHUP: still serving with the keys loaded before" "$DIR/server.log" &&
    ok missing_kek_logged || bad "missing log: $(cat "$DIR/server.log")"
alive missing_kek_alive
expect missing_kek_replay 409 '"verdict":"replay"' "$(cat "$DIR/t0.3")"
finish
