#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# End to end through the real PC/SC stack: a private pcscd with a vpcd
# reader (tests/e2e/pcsc-rig.sh), the emulator as the tag (ntag424
# emulate --uid) and `ntag424 info`, text and JSON: the emulated tag's UID
# and factory state (key versions 00, factory file settings) and the
# originality verdict "not genuine" (the emulated tag signs with its own
# key). Needs root for the namespace; skips (77) otherwise.
# Environment: NTAG424, PCSC_TOOL (see pcsc-rig.sh).
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
set -u

UID_HEX=04A1B2C3D4E5F6

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && cat "$RIG_DIR/emulate.log" >&2
	exit 1
}

# has FILE STRING: the output contains STRING literally.
has() {
	grep -qF -- "$2" "$1" || fail "no '$2' in $(basename "$1"):
$(cat "$1")"
	echo "ok   $(basename "$1"): $2"
}

rig_start || fail "rig_start"
rig_emulate "$RIG_DIR/tag.state" --uid "$UID_HEX" || fail "rig_emulate"
reader=$(rig_reader)

"$NTAG424" list-readers >"$RIG_DIR/readers.txt" || fail "list-readers"
has "$RIG_DIR/readers.txt" "$reader"

"$NTAG424" info --reader "$reader" >"$RIG_DIR/info.txt" 2>"$RIG_DIR/err" ||
    fail "info: $(cat "$RIG_DIR/err")"
cat "$RIG_DIR/info.txt"
has "$RIG_DIR/info.txt" "UID:          $UID_HEX"
has "$RIG_DIR/info.txt" "originality:  not genuine"
has "$RIG_DIR/info.txt" "cipher suite: AES"

"$NTAG424" info --reader "$reader" --json >"$RIG_DIR/info.json" \
    2>"$RIG_DIR/err" || fail "info --json: $(cat "$RIG_DIR/err")"
cat "$RIG_DIR/info.json"
# one line, no blanks around JSON punctuation (strings keep theirs)
tr '\n\t' '  ' <"$RIG_DIR/info.json" |
    sed -E 's/ +/ /g; s/ ?([][{}:,]) ?/\1/g' >"$RIG_DIR/info.min"
has "$RIG_DIR/info.min" "\"uid\":\"$UID_HEX\""
has "$RIG_DIR/info.min" '"key_versions":[0,0,0,0,0]'
has "$RIG_DIR/info.min" '"verdict":"not genuine"'
has "$RIG_DIR/info.min" '"cipher_suite":"AES"'
# NT4H2421Gx Tables 5, 8, 13: factory file settings
has "$RIG_DIR/info.min" '{"file_no":1,"size":32,"comm_mode":"Plain","access":{"read":14,"write":0,"read_write":0,"change":0}}'
has "$RIG_DIR/info.min" '{"file_no":2,"size":256,"comm_mode":"Plain","access":{"read":14,"write":14,"read_write":14,"change":0}}'
has "$RIG_DIR/info.min" '{"file_no":3,"size":128,"comm_mode":"Full","access":{"read":2,"write":3,"read_write":3,"change":0}}'

# the same tag, by default reader, then no such reader
"$NTAG424" info >"$RIG_DIR/info2.txt" || fail "info without --reader"
has "$RIG_DIR/info2.txt" "UID:          $UID_HEX"
if "$NTAG424" info --reader "No Such Reader" 2>"$RIG_DIR/err.txt"; then
	fail "info on a missing reader succeeded"
fi
has "$RIG_DIR/err.txt" "what to do"
echo "all passed"
