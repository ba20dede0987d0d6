#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The software token's state directory is its secure element: a directory
# others can write, a private key others can read, and a slot 8 whose
# golden hash is all zero (no boot could ever match it) are refused with a
# sentence, as the keystore does for its KEK file.
# Usage: token_state.sh BIN_DIR
. "$(dirname "$0")/lib.sh"
set +e

TOK="$BIN/mastr-token"
# run NAME RC NEEDLE CMD...: exit status and a line of stderr/stdout
run() {
	name=$1 want=$2 needle=$3
	shift 3
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$needle" ] ||
	    grep -qF -- "$needle" "$T/out"; }; then
		ok "$name"
	else
		bad "$name: exit $rc (want $want), output: $(cat "$T/out")"
	fi
}

mkdir -m 700 "$T/tok" "$T/host"
run fresh_state 0 "" "$TOK" --state "$T/tok" --show-pubkey
HOSTPUB=$("$TOK" --state "$T/host" --show-pubkey)
GOLDEN=$(printf '%064d' 0 | sed 's/0$/1/')
ZERO=$(printf '%064d' 0)

chmod 777 "$T/tok"
run world_writable_dir 1 "the state directory $T/tok can be written by group or others (mode 0777): refusing" \
    "$TOK" --state "$T/tok" --show-pubkey
run world_writable_dir_serve 1 "can be written by group or others" \
    "$TOK" --state "$T/tok" --fd 0 </dev/null
chmod 700 "$T/tok"
chmod 644 "$T/tok/slot0.pem"
run readable_key 1 "$T/tok/slot0.pem can be read by group or others (mode 0644): refusing to use it; run 'chmod 600" \
    "$TOK" --state "$T/tok" --show-pubkey
chmod 600 "$T/tok/slot0.pem"

run zero_golden_refused 1 "an all-zero golden hash" \
    "$TOK" --state "$T/tok" --set-host-pubkey "$HOSTPUB" --set-golden-hash "$ZERO"
check zero_golden_not_written test ! -e "$T/tok/slot8.bin"
run host_without_golden_refused 1 "all-zero golden hash, which no boot can match" \
    "$TOK" --state "$T/tok" --set-host-pubkey "$HOSTPUB"
check host_without_golden_not_written test ! -e "$T/tok/slot8.bin"
run provisioned 0 "" \
    "$TOK" --state "$T/tok" --set-host-pubkey "$HOSTPUB" --set-golden-hash "$GOLDEN"

# A slot 8 written elsewhere with the golden hash zeroed: the token refuses
# to start instead of waiting for a boot that can never match.
dd if=/dev/zero of="$T/tok/slot8.bin" bs=1 seek=64 count=32 conv=notrunc \
    2>/dev/null
run zero_golden_serve_refused 1 "all-zero golden hash, which no boot can match" \
    "$TOK" --state "$T/tok" --fd 0 </dev/null
chmod 666 "$T/tok/slot8.bin"
run writable_slot8 1 "slot8.bin can be written by group or others (mode 0666)" \
    "$TOK" --state "$T/tok" --show-pubkey
summary
