#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Tags provisioned by other tools, taken over end to end through
# libpcsclite -> pcscd -> vpcd -> ntag424 emulate: each import format
# (CSV, tag_keys.csv, Boltcard wipe JSON, JSON Lines), check and
# sun verify --uid of an imported tag, reset to factory (the whole NDEF
# file zero), provision again; a tag whose keys were changed elsewhere at
# version 00 is foreign and leaves no record; bad input stores nothing;
# keys forget. "Another tool" is a second keystore, or a state file
# whose keys are set by hand (emu_state). Optional $1: a postgresql:// URI
# for the keystore (else SQLite in the rig's directory).
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

[ -x "${EMU_STATE:-}" ] || { echo "EMU_STATE not set"; exit 77; }
rig_start || fail "rig_start"
reader=$(rig_reader)
DB=${1:-$RIG_DIR/keystore.db}
KEK=$RIG_DIR/kek
OTHER=$RIG_DIR/other.db
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
other() { "$NTAG424" "$@" --reader "$reader" --db "$OTHER" \
    --kek-file "$RIG_DIR/kek-other"; }
URL=https://coins.example/c
TPL="$URL?picc={picc}&cmac={mac}"
K0=00112233445566778899AABBCCDDEEFF
K1=0102030405060708090A0B0C0D0E0F10
K3=F0E0D0C0B0A090807060504030201000

# key N of tag UID in the other tool's keystore
key_of() {
	"$NTAG424" keys show "$1" --reveal --db "$OTHER" \
	    --kek-file "$RIG_DIR/kek-other" |
	    sed -n "s/.*key $2 current.* \([0-9A-F]\{32\}\).*/\1/p"
}

# provision, check, reset (NDEF all zero), provision again: the take-over
reset_and_provision() {	# STATE UID what
	out=$(nt reset 2>&1) || fail "$3 reset: $out"
	has "$3 reset" "$out" "reset to factory"
	rig_remove_tag || fail "$3 remove"
	"$EMU_STATE" "$1" ndef-zero || fail "$3: NDEF not all zero after reset"
	ok "$3 NDEF all zero"
	rig_emulate "$1" || fail "$3 emulate again"
	out=$(nt diagnose 2>&1) || fail "$3 diagnose: $out"
	has "$3 factory after reset" "$out" "state:        factory"
	out=$(nt provision --preset game-coin --url $URL 2>&1) ||
	    fail "$3 provision: $out"
	has "$3 provisioned" "$out" "tag $2: provisioned (factory"
	out=$(nt check 2>&1) || fail "$3 check after provision: $out"
	rig_remove_tag || fail "$3 remove"
}

# ---- CSV: keys and template of a tag another keystore provisioned -------
rig_emulate "$RIG_DIR/a.state" --uid 04A1000000000A || fail "emulate a"
out=$(other provision --preset game-coin --url $URL 2>&1) ||
    fail "other provision: $out"
# The other tool once wrote a longer NDEF: its tail is still in the file.
rig_remove_tag || fail "remove a"
"$EMU_STATE" "$RIG_DIR/a.state" ndef-fill A5 200 || fail "ndef tail a"
rig_emulate "$RIG_DIR/a.state" || fail "emulate a again"
{
	echo "uid,k0,k1,k2,k3,k4,template,label"
	echo "04A1000000000A,$(key_of 04A1000000000A 0),$(key_of 04A1000000000A 1),$(key_of 04A1000000000A 2),$(key_of 04A1000000000A 3),$(key_of 04A1000000000A 4),\"$TPL\",coin 10"
} > "$RIG_DIR/keys.csv"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "a foreign tag provisioned"
has "foreign before import" "$out" \
    "keys are neither factory keys nor in the keystore"
out=$("$NTAG424" keys import "$RIG_DIR/keys.csv" --db "$DB" \
    --kek-file "$KEK" 2>&1) || fail "import csv: $out"
has "csv imported" "$out" "imported $RIG_DIR/keys.csv (csv): 1 tags, 5 keys"
has "csv plaintext reminder" "$out" \
    "the keys are still in plaintext in $RIG_DIR/keys.csv: delete it securely"
has "csv label note" "$out" "the label column was not imported"
out=$("$NTAG424" keys list --db "$DB")
has "csv status imported" "$out" "04A1000000000A  imported"
out=$(nt check 2>&1) || fail "check imported: $out"
has "check imported url" "$out" "url: $URL?picc="
url=$("$NTAG424" tap --reader "$reader") || fail "tap a"
v=$("$NTAG424" sun verify --uid 04A1000000000A --db "$DB" --kek-file "$KEK" \
    "$url" 2>&1) || fail "sun verify imported: $v"
has "sun verify imported" "$v" "verdict: valid"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "imported tag provisioned over"
has "imported: reset first" "$out" "the tag's keys were imported from another tool"
reset_and_provision "$RIG_DIR/a.state" 04A1000000000A "csv"

# ---- tag_keys.csv: keys 0, 1, 3 changed at version 00 -----------------
S=$RIG_DIR/b.state
"$EMU_STATE" "$S" new 04B1000000000B || fail "new b"
"$EMU_STATE" "$S" key 0 $K0 0 && "$EMU_STATE" "$S" key 1 $K1 0 &&
    "$EMU_STATE" "$S" key 3 $K3 0 || fail "keys b"
"$EMU_STATE" "$S" ndef-fill A5 || fail "ndef b"	# a long foreign NDEF
rig_emulate "$S" || fail "emulate b"
# Every key version reads 00, yet key 0 is not the factory key.
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "changed-at-00 tag provisioned"
has "foreign at 00" "$out" "the tag reads as factory (every key version 00) but refuses the factory key 0: its keys were changed by another tool"
has "foreign at 00 import hint" "$out" "ntag424 keys import FILE"
out=$("$NTAG424" keys show 04B1000000000B --db "$DB" 2>&1) &&
    fail "a record was left for the foreign tag: $out"
has "no pending record" "$out" "tag 04B1000000000B is not in the keystore"
cat > "$RIG_DIR/tag_keys.csv" <<EOF
uid,picc_master_key,app_read_key,sdm_mac_key,provisioned_date,status,notes
04536B4A2F7080,00000000000000000000000000000000,00000000000000000000000000000000,00000000000000000000000000000000,2025-11-08T10:00:00,factory,Factory default keys
04B1000000000B,$(echo $K0 | tr A-F a-f),$(echo $K1 | tr A-F a-f),$(echo $K3 | tr A-F a-f),2025-11-08T10:01:00,provisioned,"https://game.example/c, shop 2"
EOF
out=$("$NTAG424" keys import "$RIG_DIR/tag_keys.csv" --db "$DB" \
    --kek-file "$KEK" 2>&1) || fail "import tag_keys: $out"
has "tag_keys imported" "$out" "(tag-keys): 1 tags, 3 keys added (0 already here), 1 rows with status factory skipped"
out=$(nt diagnose 2>&1) || fail "diagnose imported: $out"
has "diagnose imported" "$out" "state:        imported"
out=$(nt check 2>&1) && fail "check without a template passed"
has "check needs a template" "$out" "the keystore has no URL template for this imported tag"
reset_and_provision "$S" 04B1000000000B "tag_keys"

# ---- a key the file did not give, changed elsewhere: nothing is touched --
S=$RIG_DIR/e.state
"$EMU_STATE" "$S" new 04E3000000000E || fail "new e"
"$EMU_STATE" "$S" key 0 $K0 0 && "$EMU_STATE" "$S" key 2 $K1 1 ||
    fail "keys e"
printf 'uid,k0\n04E3000000000E,%s\n' $K0 > "$RIG_DIR/k0only.csv"
"$NTAG424" keys import "$RIG_DIR/k0only.csv" --db "$DB" --kek-file "$KEK" \
    >/dev/null 2>&1 || fail "import k0only"
rig_emulate "$S" || fail "emulate e"
out=$(nt reset 2>&1) && fail "reset with a key missing from the file"
has "missing key named" "$out" "key 2 is not the factory key (version 01) and the imported file did not give it"
rig_remove_tag || fail "remove e"

# ---- Boltcard wipe JSON: all five keys at version 01, UID from the tag ---
S=$RIG_DIR/c.state
"$EMU_STATE" "$S" new 04C1000000000C || fail "new c"
for k in 0 1 2 3 4; do
	"$EMU_STATE" "$S" key $k "$K1" 1 || fail "key c $k"
done
printf '{"version":1,"action":"wipe","k0":"%s","k1":"%s","k2":"%s","k3":"%s","k4":"%s"}\n' \
    $K1 $K1 $K1 $K1 $K1 > "$RIG_DIR/wipe.json"
out=$("$NTAG424" keys import "$RIG_DIR/wipe.json" --db "$DB" \
    --kek-file "$KEK" 2>&1) && fail "wipe JSON without a UID imported"
has "wipe needs uid" "$out" "give --uid UID"
rig_emulate "$S" || fail "emulate c"
out=$("$NTAG424" keys import "$RIG_DIR/wipe.json" --reader "$reader" \
    --db "$DB" --kek-file "$KEK" 2>&1) || fail "import wipe json: $out"
has "wipe json imported" "$out" "(wipe-json): 1 tags, 5 keys added"
out=$("$NTAG424" keys list --db "$DB")
has "wipe json uid from the tag" "$out" "04C1000000000C  imported"
reset_and_provision "$S" 04C1000000000C "wipe-json"

# ---- JSON Lines, from standard input ------------------------------------
rig_emulate "$RIG_DIR/d.state" --uid 04D1000000000D || fail "emulate d"
out=$(other provision --preset game-coin --url $URL 2>&1) ||
    fail "other provision d: $out"
printf '{"uid":"04D1000000000D","template":"%s","keys":{"0":"%s","1":"%s","2":"%s","3":"%s","4":"%s"}}\n' \
    "$TPL" "$(key_of 04D1000000000D 0)" "$(key_of 04D1000000000D 1)" \
    "$(key_of 04D1000000000D 2)" "$(key_of 04D1000000000D 3)" \
    "$(key_of 04D1000000000D 4)" > "$RIG_DIR/keys.jsonl"
out=$("$NTAG424" keys import - --db "$DB" --kek-file "$KEK" \
    < "$RIG_DIR/keys.jsonl" 2>&1) || fail "import jsonl: $out"
has "jsonl imported" "$out" "imported - (jsonl): 1 tags, 5 keys added"
out=$(nt check 2>&1) || fail "check jsonl: $out"
reset_and_provision "$RIG_DIR/d.state" 04D1000000000D "jsonl"

# ---- bad input: one bad line stores nothing of the file ----------------
before=$("$NTAG424" keys list --db "$DB")
printf 'uid,k0\n04E1000000000E,%s\n04E1000000000E,%s\n' $K0 $K1 \
    > "$RIG_DIR/dup.csv"
out=$("$NTAG424" keys import "$RIG_DIR/dup.csv" --db "$DB" \
    --kek-file "$KEK" 2>&1) && fail "duplicate UID imported"
has "duplicate message" "$out" "dup.csv: line 3: tag 04E1000000000E is already on line 2 (duplicate UID); nothing was imported"
has "bad input plaintext reminder" "$out" "the keys are still in plaintext"
printf 'uid,k0\n04E2000000000E,%s\n04A1000000000A,%s\n' $K0 $K1 \
    > "$RIG_DIR/other-keys.csv"
out=$("$NTAG424" keys import "$RIG_DIR/other-keys.csv" --db "$DB" \
    --kek-file "$KEK" 2>&1) && fail "other keys imported"
has "other keys message" "$out" "line 3: tag 04A1000000000A is already in the keystore with other keys"
[ "$("$NTAG424" keys list --db "$DB")" = "$before" ] ||
    fail "a failed import changed the keystore"
ok "nothing stored by failed imports"

# ---- forget: a tag wiped elsewhere --------------------------------------
out=$("$NTAG424" keys forget 04D1000000000D --db "$DB" 2>&1) &&
    fail "forget without --yes"
has "forget needs --yes" "$out" "Give --yes if it was wiped or is lost"
out=$("$NTAG424" keys forget 04D1000000000D --yes --db "$DB" \
    --kek-file "$KEK" 2>&1) ||
    fail "forget: $out"
has "forgotten" "$out" "tag 04D1000000000D: keys forgotten"
rig_emulate "$RIG_DIR/d.state" || fail "emulate d again"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "provisioned over forgotten keys"
has "forgotten tag is foreign" "$out" \
    "keys are neither factory keys nor in the keystore"
rig_remove_tag || fail "remove d"
echo "all passed"
