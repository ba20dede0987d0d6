#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A card or driver that never answers: the emulator swallows a C-APDU (its
# log says so), and ntag424 ends with a clear error after its transmit
# timeout instead of waiting for ever. Once that tag is taken away, the
# reader serves the next tag.
. "$(dirname "$0")/pcsc-rig.sh"
set -u

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && cat "$RIG_DIR/emulate.log" >&2
	exit 1
}

rig_start || fail "rig_start"
reader=$(rig_reader)

rig_emulate "$RIG_DIR/tag.state" --swallow-at 2 || fail "rig_emulate"
# The hang guard only: without a transmit timeout ntag424 never returns.
timeout 60 "$NTAG424" --transmit-timeout 200 info --reader "$reader" \
    >"$RIG_DIR/out" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "ntag424 still waiting after 60 s"
[ $rc -eq 1 ] || fail "exit $rc, want 1: $(cat "$RIG_DIR/out")"
echo "ok   exit 1 after the swallowed C-APDU"
grep -q "C-APDU 2 swallowed" "$RIG_DIR/emulate.log" ||
    fail "the emulator did not swallow C-APDU 2"
echo "ok   the emulator swallowed C-APDU 2"
grep -qF "the reader '$reader' did not answer a command within 200 ms (transmit timeout)" \
    "$RIG_DIR/out" || fail "message: $(cat "$RIG_DIR/out")"
echo "ok   says the reader did not answer within 200 ms"

"$NTAG424" --transmit-timeout x info >"$RIG_DIR/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "takes milliseconds" "$RIG_DIR/out" ||
    fail "bad --transmit-timeout: exit $rc $(cat "$RIG_DIR/out")"
echo "ok   bad --transmit-timeout refused"

rig_remove_tag || fail "remove"
rig_emulate "$RIG_DIR/tag.state" || fail "present again"
"$NTAG424" info --reader "$reader" >"$RIG_DIR/out" 2>&1 ||
    fail "next tag: $(cat "$RIG_DIR/out")"
grep -q "UID" "$RIG_DIR/out" || fail "info: $(cat "$RIG_DIR/out")"
echo "ok   the reader serves the next tag (default timeout)"
rig_remove_tag
