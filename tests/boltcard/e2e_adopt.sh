#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Adopt through libpcsclite -> pcscd -> vpcd -> ntag424 emulate and the real
# ntag424-verifyd: tags provisioned by another tool (other_tool: keys at
# version 00, as the Boltcard app leaves them), their keys put in the
# keystore as an import would (tag_put). A wrong stored key costs exactly
# one failed authentication (the emulator's TotFailCtr in its state file)
# and leaves the tag as it was; the right keys adopt it as it is, then
# check, tap, sun verify --uid, verifyd, reset and provision work; adopt
# --reprovision takes another tag on to provisio's layout at once.
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
: "${VERIFYD:?set VERIFYD to the ntag424-verifyd binary}"
: "${TAG_PUT:?set TAG_PUT to tests/boltcard/tag_put}"
: "${OTHER_TOOL:?set OTHER_TOOL to tests/boltcard/other_tool}"
. "$(dirname "$0")/../verifyd/lib.sh"
set -u

command -v jq >/dev/null || { echo "FAIL: needs jq" >&2; exit 1; }

die() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	[ -f "$DIR/server.log" ] && tail -n 20 "$DIR/server.log" >&2
	exit 1
}

rig_start || die "rig_start"
trap 'stop_server; rig_stop; rm -rf "$DIR"' EXIT
reader=$(rig_reader)
ntd() { db=$1; shift; "$NTAG424" "$@" --reader "$reader" --db "$db" --kek-file "$KEK"; }
jqv() { printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null; }
same() {	# same NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$3', want '$2'"; fi
}
# The emulator's TotFailCtr of key K (state file v2: 123 bytes before the
# five 5-byte counter records, little-endian).
totfail() {
	od -An -tu2 -j $((123 + 5 * $2)) -N2 "$1" | tr -d ' '
}

K0=0a0b0c0d0e0f10111213141516171819
K1=1a1b1c1d1e1f20212223242526272829
K2=2a2b2c2d2e2f30313233343536373839
K3=3a3b3c3d3e3f40414243444546474849
K4=4a4b4c4d4e4f50515253545556575859
BAD=ffeeddccbbaa99887766554433221100
UA=04AD0000000A01
BOLT_T='lnurlw://pay.example/ln?p={picc}&c={mac}'
keys() { printf '%s\n' "$@"; }

# A: a card the Boltcard app made (SDM keys 1/2, counter key 1, version 00).
rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $K0 $K1 $K2 $K3 $K4 | "$OTHER_TOOL" "$reader" "$BOLT_T" 1 2 1 0 ||
    die "other_tool a"
rig_remove_tag || die "remove a"

out=$(ntd "$DB" adopt --preset game-coin 2>&1)
st=$?
same "adopt --preset without --reprovision" "2:ntag424 adopt: --preset, --template and the key and layout options are for --reprovision; adopt alone keeps the tag's keys and layout" "$st:$out"
out=$(ntd "$DB" adopt --keys diversified 2>&1)
st=$?
same "adopt --keys without --reprovision" "2:ntag424 adopt: --preset, --template and the key and layout options are for --reprovision; adopt alone keeps the tag's keys and layout" "$st:$out"

rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $K0 $K1 $K2 $K3 $K4 | "$TAG_PUT" "$DIR/kek.db" "$KEK" 04AD00000000FF x "" 0 ||
    die "creating the KEK"
out=$(ntd "$DB" adopt 2>&1)
st=$?
same "adopt of a tag whose keys are not in the keystore" "1:ntag424 adopt: tag $UA: this tag's keys are not in the keystore (NTAG424_ERR_NOT_FOUND)
  what to do: import its keys first ('ntag424 keys import')" "$st:$out"

# A wrong key 0: one failed authentication, nothing else.
rig_remove_tag || die "remove a"
before=$(head -c 123 "$RIG_DIR/a.state" | od -An -tx1 | tr -d ' \n')
rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $BAD $K1 $K2 $K3 $K4 | "$TAG_PUT" "$DIR/w0.db" "$KEK" $UA imported "" 0 factory ||
    die "tag_put w0"
out=$(ntd "$DIR/w0.db" adopt --json 2>&1)
same "a wrong key 0 is refused" "0x91AE:1" \
    "$(printf '0x%X' "$(jqv "$out" .status_word)"):$(jqv "$out" .failed_auths)"
out=$(ntd "$DIR/w0.db" adopt 2>&1)
case "$out" in
"ntag424 adopt: tag $UA: the tag refused authentication with key 0 from the keystore (status 91AE"*)
	ok "its message" ;;
*) bad "wrong key 0 message: $out" ;;
esac
rig_remove_tag || die "remove a"
same "two adopts, two failed authentications of key 0 (TotFailCtr)" 2 \
    "$(totfail "$RIG_DIR/a.state" 0)"
same "the tag is untouched (keys, versions, files)" "$before" \
    "$(head -c 123 "$RIG_DIR/a.state" | od -An -tx1 | tr -d ' \n')"

# A wrong key 1 (the counter key of the settings): one failed auth of key 1.
rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $K0 $BAD $K2 $K3 $K4 | "$TAG_PUT" "$DIR/w1.db" "$KEK" $UA imported "" 0 factory ||
    die "tag_put w1"
out=$(ntd "$DIR/w1.db" adopt --json 2>&1)
same "a wrong key 1 stops adopt" "0x91AE:1" \
    "$(printf '0x%X' "$(jqv "$out" .status_word)"):$(jqv "$out" .failed_auths)"
same "and records nothing" factory \
    "$("$NTAG424" keys list --json --db "$DIR/w1.db" | jq -r '.[0].status' 2>/dev/null)"
rig_remove_tag || die "remove a"
same "one failed authentication of key 1" 1 "$(totfail "$RIG_DIR/a.state" 1)"

# A wrong file-read (MAC) key: the SUN URL does not verify; no
# authentication is spent on it.
rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $K0 $K1 $BAD $K3 $K4 | "$TAG_PUT" "$DIR/w2.db" "$KEK" $UA imported "" 0 factory ||
    die "tag_put w2"
out=$(ntd "$DIR/w2.db" adopt --json 2>&1)
same "a wrong key 2 fails the SUN URL" "NTAG424_ERR_BAD_MAC:0:the URL the tag produced does not verify with the stored keys (NTAG424_ERR_BAD_MAC)" \
    "$(jqv "$out" .error):$(jqv "$out" .failed_auths):$(jqv "$out" .message)"
same "and records nothing" factory \
    "$("$NTAG424" keys list --json --db "$DIR/w2.db" | jq -r '.[0].status' 2>/dev/null)"
rig_remove_tag || die "remove a"

# The right keys: adopted as it is.
rig_emulate "$RIG_DIR/a.state" --uid $UA || die "emulate a"
keys $K0 $K1 $K2 $K3 $K4 | "$TAG_PUT" "$DB" "$KEK" $UA imported "" 0 factory ||
    die "tag_put"
out=$(ntd "$DB" adopt --json 2>"$DIR/adopt.err") ||
    die "adopt: $out $(cat "$DIR/adopt.err")"
same "adopted, no failed authentication" "adopted:0:false" \
    "$(jqv "$out" .result):$(jqv "$out" .failed_auths):$(jqv "$out" .changed)"
show=$("$NTAG424" keys show $UA --json --db "$DB" --kek-file "$KEK")
same "recorded with the template the tag implies" "provisioned:boltcard:$BOLT_T" \
    "$(jqv "$show" .status):$(jqv "$show" .name):$(jqv "$show" .template)"
out=$(ntd "$DB" adopt 2>&1)
st=$?
same "adopt again" "1:ntag424 adopt: tag $UA: the keystore already has this tag as provisioned; nothing to adopt (NTAG424_ERR_STATE)
  what to do: run 'ntag424 check' to verify it" "$st:$out"
out=$(ntd "$DB" check --json 2>&1) || bad "check after adopt: $out"
same "check after adopt" true "$(jqv "$out" .ok)"
url=$("$NTAG424" tap --reader "$reader") || die "tap"
v=$("$NTAG424" sun verify --uid $UA --db "$DB" --kek-file "$KEK" "$url" 2>&1) &&
    ok "sun verify --uid after adopt" || bad "sun verify --uid: $v"
# Its meta-read key is its own, not a cohort's: the verifier must be told
# to try per-tag keys.
start_server --db "$DB" --kek-file "$KEK" --log-level warn --per-tag-meta-keys yes
url=$("$NTAG424" tap --reader "$reader") || die "tap"
expect "verifyd takes the adopted tag's taps" 200 \
    "\"verdict\":\"valid\",\"uid\":\"$UA\"" "$(pq "$url")"
stop_server
out=$(ntd "$DB" reset --json 2>&1) || bad "reset after adopt: $out"
same "reset after adopt" "true:0" "$(jqv "$out" .changed):$(jqv "$out" .failed_auths)"
out=$(ntd "$DB" diagnose --json 2>&1)
same "factory again" factory "$(jqv "$out" .found)"
out=$(ntd "$DB" provision --preset game-coin --url https://coins.example/c \
    --json 2>"$DIR/p.err") || bad "provision after reset: $out $(cat "$DIR/p.err")"
same "provisioned by provisio after" true "$(jqv "$out" .ok)"
rig_remove_tag || die "remove a"

# C, D: the MAC input from PICCData on ({macin}), and plain UID and counter
# mirrors: the template comes back as written.
adopt_as_is() {	# adopt_as_is UID TEMPLATE META FILE CTR
	rig_emulate "$RIG_DIR/$1.state" --uid "$1" || die "emulate $1"
	keys $K0 $K1 $K2 $K3 $K4 | "$OTHER_TOOL" "$reader" "$2" "$3" "$4" "$5" 0 ||
	    die "other_tool $1"
	keys $K0 $K1 $K2 $K3 $K4 | "$TAG_PUT" "$DB" "$KEK" "$1" imported "" 0 factory ||
	    die "tag_put $1"
	out=$(ntd "$DB" adopt --json 2>&1)
	same "adopt $2" "adopted" "$(jqv "$out" .result)"
	show=$("$NTAG424" keys show "$1" --json --db "$DB" --kek-file "$KEK")
	same "its template" "template:$2" "$(jqv "$show" .name):$(jqv "$show" .template)"
	out=$(ntd "$DB" check --json 2>&1)
	same "check of $2" true "$(jqv "$out" .ok)"
	out=$(ntd "$DB" reset --json 2>&1)
	same "reset of $2" true "$(jqv "$out" .changed)"
	rig_remove_tag || die "remove $1"
}
adopt_as_is 04AD0000000C03 'https://x.example/t?p={macin}{picc}&c={mac}' 1 3 3
adopt_as_is 04AD0000000D04 'https://x.example/t?u={uid}&n={ctr}&m={mac}' 1 3 3

# B: adopt --reprovision, a tag with the template defaults' key roles.
UB=04AD0000000B02
rig_emulate "$RIG_DIR/b.state" --uid $UB || die "emulate b"
keys $K0 $K1 $K2 $K3 $K4 | "$OTHER_TOOL" "$reader" \
    'https://shop.example/t?u={picc}&m={mac}' 1 3 3 0 || die "other_tool b"
keys $K0 $K1 $K2 $K3 $K4 | "$TAG_PUT" "$DB" "$KEK" $UB imported "" 0 factory ||
    die "tag_put b"
out=$(ntd "$DB" adopt --reprovision --preset game-coin \
    --url https://coins.example/c 2>&1) || bad "adopt --reprovision: $out"
case "$out" in
*"adopted"*"reset to factory"*"provisioned"*) ok "adopt --reprovision: adopted, reset, provisioned" ;;
*) bad "adopt --reprovision: $out" ;;
esac
out=$(ntd "$DB" check --json 2>&1)
same "check after --reprovision" "true:https://coins.example/c" \
    "$(jqv "$out" .ok):$(jqv "$out" .url | sed 's/?.*//')"
rig_remove_tag || die "remove b"
finish
