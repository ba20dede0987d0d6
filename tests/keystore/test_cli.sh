#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424 keys end to end on a seeded SQLite keystore: every message
# checked, and no key in plaintext in the database or a backup.
#   test_cli.sh NTAG424 KS_SEED
set -u
NTAG424=$1
SEED=$2
T=$(mktemp -d /tmp/test_keys_cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" HOME="$T"
unset PROVISIO_KEK
fails=0
pass=0
KEY0=5A17C39901EE427D1020304050607080
KEY1=A5E83C66FE11BD82EFDFCFBFAF9F8F7F
UID_=04112233445566

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; sed 's/^/  | /' "$T/out" >&2; }
# expect NAME RC NEEDLE -- command...: exit status and a line of output
expect() {
	name=$1 want=$2 needle=$3
	shift 4
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "  exit $rc, expected $want" >>"$T/out"
		bad "$name"
	elif ! grep -qF -- "$needle" "$T/out"; then
		echo "  no '$needle' in the output" >>"$T/out"
		bad "$name"
	else
		ok "$name"
	fi
}
# absent NAME FILE HEX: neither the hex (either case) nor the raw bytes.
absent() {
	if grep -qi "$3" "$2" ||
	    od -An -v -tx1 "$2" | tr -d ' \n' | grep -qi "$3"; then
		echo "  key $3 found in $2" >"$T/out"
		bad "$1"
	else
		ok "$1"
	fi
}

DB="$T/ks.db"
KEK="$T/kek"
expect list_missing 1 "there is no keystore at $DB" -- \
    "$NTAG424" keys list --db "$DB"
expect usage 2 "usage: ntag424 keys list" -- "$NTAG424" keys
expect show_bad_uid 2 "give the tag's UID as 14 hex characters" -- \
    "$NTAG424" keys show 0411 --db "$DB"
"$SEED" "$DB" "$KEK" || { echo "FAIL seed"; exit 1; }

expect list 0 "$UID_  provisioned  -          1  random" -- \
    "$NTAG424" keys list --db "$DB"
expect list_json 0 "\"uid\": \"$UID_\", \"status\": \"provisioned\"" -- \
    "$NTAG424" keys list --json --db "$DB"
expect show_hidden 0 "key 0 current  version   1  applied  hidden" -- \
    "$NTAG424" keys show $UID_ --db "$DB"
if grep -q "$KEY0" "$T/out"; then bad show_hides_keys; else ok show_hides_keys; fi
expect show_journal 0 "ChangeKey          key 1  failed (91AE)" -- \
    "$NTAG424" keys show $UID_ --db "$DB"
expect show_reveal 0 "key 1 pending  version   1  maybe    $KEY1" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$KEK"
expect show_json 0 "\"key\": \"$KEY0\"" -- \
    "$NTAG424" keys show $UID_ --reveal --json --db "$DB" --kek-file "$KEK"
expect show_unknown 1 "tag 04A1B2C3D4E5F6 is not in the keystore" -- \
    "$NTAG424" keys show 04A1B2C3D4E5F6 --db "$DB"

printf '%064d\n' 7 >"$T/wrong.kek"
chmod 600 "$T/wrong.kek"
expect wrong_kek 1 "the key-encryption key does not open this keystore" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$T/wrong.kek"
chmod 644 "$KEK"
expect kek_mode 1 "can be read by group or others (mode 0644): refusing" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$KEK"
chmod 600 "$KEK"

echo "a long passphrase for the backup" >"$T/pass"
chmod 600 "$T/pass"
expect export 0 "exported 1 tags" -- "$NTAG424" keys export "$T/b.bin" \
    --passphrase-file "$T/pass" --db "$DB" --kek-file "$KEK"
absent backup_sealed "$T/b.bin" $KEY0
expect import 0 "1 tags, 2 keys added (0 already here), 1 master" -- \
    "$NTAG424" keys import "$T/b.bin" --passphrase-file "$T/pass" \
    --db "$T/other.db" --kek-file "$T/other.kek"
expect import_kek_created 0 "created a new key-encryption key in $T/x.kek: back it up" -- \
    "$NTAG424" keys import "$T/b.bin" --passphrase-file "$T/pass" \
    --db "$T/x.db" --kek-file "$T/x.kek"
expect import_again 0 "0 keys added (2 already here)" -- \
    "$NTAG424" keys import "$T/b.bin" --passphrase-file "$T/pass" \
    --db "$T/other.db" --kek-file "$T/other.kek"
expect import_no_pass 1 "give --passphrase-file" -- \
    "$NTAG424" keys import "$T/b.bin" --db "$T/other.db" \
    --kek-file "$T/other.kek"

# rotate-kek replaces the KEK file in use and keeps the old one beside it.
cp "$KEK" "$T/kek.before"
expect rotate 0 "written to $KEK (used by every later command" -- \
    "$NTAG424" keys rotate-kek --db "$DB" --kek-file "$KEK"
grep -qF "the old KEK is kept in $KEK.old-" "$T/out" && ok rotate_says_old ||
    bad rotate_says_old
OLD=$(ls "$KEK".old-* 2>/dev/null | head -n 1)
if [ -n "$OLD" ] && cmp -s "$OLD" "$T/kek.before" &&
    ! cmp -s "$KEK" "$T/kek.before" &&
    [ "$(stat -c %a "$OLD")" = 600 ] && [ "$(stat -c %a "$KEK")" = 600 ]; then
	ok rotate_kept_old_0600
else
	ls -l "$T" >"$T/out"
	bad rotate_kept_old_0600
fi
expect rotated_kek_works 0 "$KEY0" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$KEK"
expect old_kek_refused 1 "the key-encryption key does not open this keystore" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$OLD"
expect rotate_from_file 0 "written to $KEK" -- \
    "$NTAG424" keys rotate-kek --new-kek-file "$T/new.kek" --db "$DB" \
    --kek-file "$KEK"
cmp -s "$KEK" "$T/new.kek" && ok rotate_from_file_copied ||
    bad rotate_from_file_copied
expect new_kek_works 0 "$KEY0" -- \
    "$NTAG424" keys show $UID_ --reveal --db "$DB" --kek-file "$T/new.kek"

for f in "$DB" "$DB-wal" "$T/other.db" "$T/other.db-wal"; do
	[ -f "$f" ] || continue
	absent "no_plaintext_key0_$(basename "$f")" "$f" $KEY0
	absent "no_plaintext_key1_$(basename "$f")" "$f" $KEY1
done
# The search itself works: the UID is stored in clear.
if grep -qa "$UID_" "$DB"* ; then ok search_sees_uid; else echo x >"$T/out"; bad search_sees_uid; fi

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
