#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# End to end through libpcsclite -> pcscd -> vpcd -> ntag424 emulate:
# select + GetVersion, a write that survives taking the tag away, and a
# tear that cuts the power before a write.
. "$(dirname "$0")/pcsc-rig.sh"
set -u

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && cat "$RIG_DIR/emulate.log" >&2
	exit 1
}

expect() {	# expect "what" "actual" "expected"
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	echo "ok   $1"
}

rig_start || fail "rig_start"
state="$RIG_DIR/tag.state"
reader=$(rig_reader)

rig_emulate "$state" --uid 04A1B2C3D4E5F6 || fail "rig_emulate"
out=$("$PCSC_TOOL" send "$reader" 00A4040C07D276000085010100 9060000000 \
    90AF000000 90AF000000 | tr '\n' ' ')
expect "select + GetVersion" "$out" \
    "9000 0404023000110591AF 0404020102110591AF 04A1B2C3D4E5F6000000000001249100 "

out=$("$PCSC_TOOL" send "$reader" 00A4040C07D276000085010100 \
    00A4000C02E10400 00D60000024142 | tr '\n' ' ')
expect "ISOUpdateBinary" "$out" "9000 9000 9000 "
rig_remove_tag || fail "remove"
expect "emulate exit on SIGTERM" "$RIG_EMU_STATUS" 0

rig_emulate "$state" || fail "present again"
out=$("$PCSC_TOOL" send "$reader" 00A4040C07D276000085010100 \
    00A4000C02E10400 00B0000002 | tr '\n' ' ')
expect "data kept across presentations" "$out" "9000 9000 41429000 "
rig_remove_tag || fail "remove"

# power cut before the third C-APDU: the write never happens
rig_emulate "$state" --tear-at 3 --tear-when before || fail "tear run"
out=$("$PCSC_TOOL" send "$reader" 00A4040C07D276000085010100 \
    00A4000C02E10400 00D60000025A5A | tr '\n' ' ')
case "$out" in
"9000 9000 ERR "*) echo "ok   torn transmit fails" ;;
*) fail "torn transmit: got '$out'" ;;
esac
rig_wait_tag || fail "tag did not leave"
expect "emulate exit after a tear" "$RIG_EMU_STATUS" 3

rig_emulate "$state" || fail "present after tear"
out=$("$PCSC_TOOL" send "$reader" 00A4040C07D276000085010100 \
    00A4000C02E10400 00B0000002 | tr '\n' ' ')
expect "torn write not applied" "$out" "9000 9000 41429000 "
rig_remove_tag || fail "remove"
echo "all passed"
