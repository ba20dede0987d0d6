#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --random-uid through libpcsclite -> pcscd -> vpcd -> ntag424 emulate: the
# dry run and the refusal without --yes say Random ID is permanent; a
# provision with --yes turns it on last; after a power cycle the tag hides
# its UID, and check, reset, diagnose and provision find it with --uid
# (confirmed by GetCardUID after authenticating), sun verify --uid
# verifies its taps; without --uid each says what to do.
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
: "${TAG_PUT:?set TAG_PUT to tests/boltcard/tag_put}"
. "$(dirname "$0")/../verifyd/lib.sh"
set -u

command -v jq >/dev/null || { echo "FAIL: needs jq" >&2; exit 1; }

die() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	exit 1
}

rig_start || die "rig_start"
trap 'rig_stop; rm -rf "$DIR"' EXIT
reader=$(rig_reader)
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
jqv() { printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null; }
same() {	# same NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$3', want '$2'"; fi
}
UR=04C1D000000001
GC="--preset game-coin --url https://coins.example/c"
WARN="Random ID is PERMANENT on a real tag: it will hide its UID from every reader for good, and provisio will need --uid UID to find it"

# the KEK exists before the messages below are compared
printf '%s\n' 00000000000000000000000000000000 00000000000000000000000000000000 \
    00000000000000000000000000000000 00000000000000000000000000000000 \
    00000000000000000000000000000000 |
    "$TAG_PUT" "$DIR/kek.db" "$KEK" 04C1D0000000FF x "" 0 || die "KEK"
rig_emulate "$RIG_DIR/r.state" --uid $UR || die "emulate"

out=$(nt provision $GC --random-uid --dry-run 2>"$DIR/err")
st=$?
same "dry run warns" "0:ntag424 provision: warning: --random-uid: $WARN (this dry run changes nothing)" \
    "$st:$(grep -v 'created cohort' "$DIR/err")"
case "$out" in
*"SetConfiguration (Random ID, PERMANENT)"*" 1 C-APDU"*) ok "dry run plans SetConfiguration" ;;
*) bad "dry run plan: $out" ;;
esac
out=$(nt provision $GC --random-uid </dev/null 2>&1)
st=$?
same "no --yes, no terminal: refused" "2:ntag424 provision: --random-uid: $WARN; confirm with --yes" "$st:$out"
out=$(nt provision $GC --random-uid --uid 04C1D0 --yes 2>&1)
st=$?
same "a short --uid" "2:ntag424 provision: warning: --random-uid: $WARN
ntag424 provision: --uid wants the tag's UID as 14 hex digits" "$st:$out"

out=$(nt provision $GC --random-uid --yes --json 2>"$DIR/err") ||
    die "provision --random-uid: $out $(cat "$DIR/err")"
same "provisioned with Random ID" "true:true" "$(jqv "$out" .ok):$(jqv "$out" .changed)"
echo "random-uid provision: $(jqv "$out" .apdus) C-APDUs"
rig_remove_tag || die "remove"

# power cycle: the tag now hides its UID
rig_emulate "$RIG_DIR/r.state" || die "emulate again"
out=$(nt check 2>&1)
st=$?
same "check without --uid" "1:ntag424 check: tag ?: the tag hides its UID (Random ID is on) (NTAG424_ERR_STATE)
  what to do: name it with --uid UID: provisio authenticates with that tag's key 0 and confirms the UID with GetCardUID" "$st:$out"
out=$(nt check --uid $UR --json 2>&1)
same "check --uid" "true:$UR:0" "$(jqv "$out" .ok):$(jqv "$out" .uid):$(jqv "$out" .failed_auths)"
url=$("$NTAG424" tap --reader "$reader") || die "tap"
v=$("$NTAG424" sun verify --uid $UR --db "$DB" --kek-file "$KEK" "$url" 2>&1) &&
    ok "sun verify --uid of a Random ID tap" || bad "sun verify: $v"
out=$(nt reset --uid $UR --json 2>&1)
same "reset --uid" "true:true" "$(jqv "$out" .ok):$(jqv "$out" .changed)"
out=$(nt diagnose --uid $UR $GC --json 2>&1)
same "factory again (Random ID stays)" factory "$(jqv "$out" .found)"
out=$(nt provision $GC --uid $UR --json 2>"$DIR/err") ||
    bad "provision --uid: $out $(cat "$DIR/err")"
same "provisioned again" true "$(jqv "$out" .ok)"
case "$(jqv "$out" '.plan[].step')" in
*SetConfiguration*) bad "SetConfiguration planned again" ;;
*) ok "no SetConfiguration on a tag with Random ID on" ;;
esac
rig_remove_tag || die "remove"
finish
