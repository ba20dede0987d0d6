#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The engine end to end through libpcsclite -> pcscd -> vpcd -> ntag424
# emulate: provision, check, tap + sun verify (counter rising, replay
# rejected), reset, provision again, for both presets and key sources; a
# torn provision resumed through the real stack; a foreign tag; a wrong
# KEK; a batch with a swapped tag; pcscd gone. Optional $1: a
# postgresql:// URI for the keystore (else SQLite in the rig's directory).
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
set -u

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	exit 1
}
ok() { echo "ok   $*"; }
has() {		# has "what" "text" "needle"
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) fail "$1: '$3' not in: $2" ;;
	esac
}

rig_start || fail "rig_start"
reader=$(rig_reader)
DB=${1:-$RIG_DIR/keystore.db}
KEK=$RIG_DIR/kek
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
URL=https://coins.example/c

# ---- game-coin, random keys --------------------------------------------
rig_emulate "$RIG_DIR/a.state" --uid 04A1B2C3D4E5F6 || fail "emulate a"
out=$(nt diagnose --preset game-coin --url $URL 2>&1) || fail "diagnose: $out"
has "diagnose factory" "$out" "state:        factory"
has "KEK created message" "$out" "created a new key-encryption key in $KEK"
out=$(nt provision --preset game-coin --url $URL --dry-run 2>&1) ||
    fail "dry run: $out"
has "dry run plan" "$out" "total                                      22 C-APDUs"
out=$(nt provision --preset game-coin --url $URL 2>&1) || fail "provision: $out"
has "provisioned" "$out" "tag 04A1B2C3D4E5F6: provisioned (factory; 22 C-APDUs"
has "no failed auth" "$out" "0 failed authentications"
out=$(nt provision --preset game-coin --url $URL 2>&1) || fail "again: $out"
has "second provision is a no-op" "$out" "already provisioned, nothing changed"
out=$(nt check --json 2>&1) || fail "check: $out"
has "check json" "$out" '"ok":true'
has "check counter" "$out" '"read_counter":2'

last=""
for i in 1 2 3; do
	url=$("$NTAG424" tap --reader "$reader") || fail "tap $i"
	has "tap $i url" "$url" "$URL?picc="
	v=$("$NTAG424" sun verify --uid 04A1B2C3D4E5F6 --db "$DB" \
	    --kek-file "$KEK" "$url") || fail "verify tap $i: $v"
	has "tap $i counter" "$v" "counter: $((i + 2))"
	last=$url
done
v=$("$NTAG424" sun verify --uid 04A1B2C3D4E5F6 --db "$DB" --kek-file "$KEK" \
    "$last") && fail "replay accepted"
has "replay rejected" "$v" "verdict: replayed"

# the keystore never holds a key in plaintext
key0=$("$NTAG424" keys show 04A1B2C3D4E5F6 --reveal --db "$DB" \
    --kek-file "$KEK" | sed -n 's/.*key 0.* \([0-9A-F]\{32\}\).*/\1/p' |
    head -n 1)
[ ${#key0} -eq 32 ] || fail "keys show --reveal gave no key 0"
low=$(echo "$key0" | tr 'A-F' 'a-f')
for f in "$DB" "$DB-wal"; do
	[ -f "$f" ] || continue		# PostgreSQL: no file to search
	if od -An -tx1 -v "$f" | tr -d ' \n' | grep -q "$low"; then
		fail "key 0 in plaintext in $f"
	fi
done
ok "no plaintext key in the keystore file"

# foreign: another keystore does not know this tag
out=$("$NTAG424" provision --preset game-coin --url $URL --reader "$reader" \
    --db "$RIG_DIR/other.db" --kek-file "$RIG_DIR/kek2" 2>&1) &&
    fail "foreign tag provisioned"
has "foreign message" "$out" "keys are neither factory keys nor in the keystore"
has "foreign hint" "$out" "nothing was changed"

# wrong KEK for our keystore
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RIG_DIR/badkek"
chmod 600 "$RIG_DIR/badkek"
out=$("$NTAG424" check --reader "$reader" --db "$DB" \
    --kek-file "$RIG_DIR/badkek" 2>&1) && fail "wrong KEK accepted"
has "wrong KEK" "$out" "KEK"

# a damaged keystore file is named, and nothing is sent to the tag
head -c 8192 /dev/urandom > "$RIG_DIR/damaged.db"
out=$("$NTAG424" reset --reader "$reader" --db "$RIG_DIR/damaged.db" \
    --kek-file "$KEK" 2>&1) && fail "damaged keystore accepted"
has "damaged keystore" "$out" \
    "damaged.db is not a keystore database or is damaged (file is not a database)"
out=$(nt check 2>&1) || fail "check after damaged keystore: $out"

out=$(nt reset 2>&1) || fail "reset: $out"
has "reset" "$out" "reset to factory"
out=$(nt diagnose 2>&1) || fail "diagnose after reset: $out"
has "factory again" "$out" "state:        factory"
out=$(nt check 2>&1) && fail "check of a reset tag passed"
has "check after reset" "$out" "not provisioned"

# ---- torn provision through the real stack, then resumed ----------------
rig_remove_tag || fail "remove a"
rig_emulate "$RIG_DIR/a.state" --tear-at 16 --tear-when after ||
    fail "emulate torn"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "torn provision succeeded"
has "torn message" "$out" "put the same tag back"
rig_wait_tag || fail "tag did not leave"
rig_emulate "$RIG_DIR/a.state" || fail "present again"
out=$(nt provision --preset game-coin --url $URL 2>&1) || fail "resume: $out"
has "resumed" "$out" "interrupted run finished"
has "resume without failed auth" "$out" "0 failed authentications"
out=$(nt check 2>&1) || fail "check after resume: $out"
rig_remove_tag || fail "remove a"

# ---- self-checkout, diversified keys, then random --------------------------
for keys in diversified random; do
	rig_emulate "$RIG_DIR/sc-$keys.state" || fail "emulate sc"
	out=$(nt provision --preset self-checkout --keys $keys 2>&1) ||
	    fail "self-checkout $keys: $out"
	has "self-checkout $keys provisioned" "$out" ": provisioned (factory"
	out=$(nt check 2>&1) || fail "check sc: $out"
	has "self-checkout $keys url" "$out" \
	    "url: https://werkstattwaedi.ch/tag?picc="
	out=$(nt reset 2>&1) || fail "reset sc: $out"
	out=$(nt provision --preset self-checkout --keys $keys 2>&1) ||
	    fail "self-checkout again: $out"
	rig_remove_tag || fail "remove sc"
done

# ---- batch: two tags, the first taken away mid-run by a tear --------------
"$NTAG424" provision --preset game-coin --url $URL --batch --count 3 \
    --timeout 20 --db "$DB" --kek-file "$KEK" --reader "$reader" \
    > "$RIG_DIR/batch.out" 2> "$RIG_DIR/batch.err" &
batch=$!
wait_line() {	# wait_line FILE TEXT
	i=0
	while ! grep -qF "$2" "$1"; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "no '$2' in $1: $(cat "$1")"
		sleep 0.1
	done
}
rig_emulate "$RIG_DIR/b1.state" --uid 04B10000000001 --tear-at 15 \
    --tear-when before || fail "emulate b1"
wait_line "$RIG_DIR/batch.err" "tag 04B10000000001: ChangeKey"
rig_wait_tag || fail "b1 did not leave"
rig_emulate "$RIG_DIR/b2.state" --uid 04B20000000002 || fail "emulate b2"
wait_line "$RIG_DIR/batch.out" "tag 04B20000000002: provisioned"
rig_remove_tag || fail "remove b2"
rig_emulate "$RIG_DIR/b1.state" || fail "b1 again"
wait_line "$RIG_DIR/batch.out" "tag 04B10000000001: provisioned"
rig_remove_tag || fail "remove b1"
wait "$batch" && fail "batch with a failure exited 0"
has "swap detected" "$(cat "$RIG_DIR/batch.err")" \
    "tag 04B10000000001 was taken away mid-run and tag 04B20000000002 came instead"
has "batch summary" "$(cat "$RIG_DIR/batch.out")" \
    "batch summary: 2 provisioned, 0 already provisioned, 1 failed"

# ---- pcscd gone ----------------------------------------------------------
kill -TERM "$RIG_PCSCD_PID"
wait "$RIG_PCSCD_PID" 2>/dev/null
RIG_PCSCD_PID=""
out=$(nt check 2>&1) && fail "check without pcscd"
has "reader gone" "$out" "start the PC/SC daemon"
echo "all passed"
