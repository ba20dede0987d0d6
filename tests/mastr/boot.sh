#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mastr-bootstrap against mastr-token on a pty, over a real swtpm: BOOT_OK,
# then every fault of docs/mastr-protocol.md section 6, each a closed gate
# with its message. Usage: boot.sh BIN_DIR
. "$(dirname "$0")/lib.sh"

start_swtpm "$T/tpm"
echo "kernel v1" > "$T/golden"
mkdir -p "$T/tok"
pair "$T/tpm" "$T/tok" "$T/golden"

# boot NAME EXPECTED_RC TEXT [bootstrap args...]: one boot against $PTY.
boot() {
	name=$1 want=$2 text=$3
	shift 3
	rc=0
	"$BIN/mastr-bootstrap" --port "$PTY" --golden-file "$T/golden" \
	    --key-file "$T/session.key" --timeout-ms 1000 "$@" \
	    > "$T/boot.out" 2> "$T/boot.err" || rc=$?
	if [ "$rc" -eq "$want" ] && cat "$T/boot.out" "$T/boot.err" |
	    grep -qF -- "$text"; then
		ok "$name"
	else
		bad "$name (rc=$rc, want $want)"
		cat "$T/boot.out" "$T/boot.err"
	fi
}

# fault NAME TEXT [token args...]: a fresh token session with a fault.
fault() {
	name=$1 text=$2
	shift 2
	rm -f "$T/tok/log"
	start_token "$T/tok" $FAST "$@"
	boot "$name" 1 "$text"
	stop_token
}

start_token "$T/tok" $FAST
boot boot_ok 0 "BOOT_OK"
check session_key_file_0600 test "$(stat -c %a "$T/session.key")" = 600
check session_key_16_bytes test "$(stat -c %s "$T/session.key")" = 16
check token_log_runtime contains "$T/tok/log" "rx H2T_BOOT_OK_ACK len=0 state=0x32"
# A second boot while the token is still in that session (host reboot
# without a token power cycle, docs/mastr.md defect 6): closed.
boot stale_session 1 "power-cycle it"
stop_token
check token_final_runtime contains "$T/tok/log" "final state=0x40"

# Two sessions use two different ephemeral keys (docs/mastr.md defect 1 fixed).
start_token "$T/tok" $FAST
boot boot_ok_again 0 "BOOT_OK"
stop_token
k1=$(od -An -tx1 "$T/session.key")
start_token "$T/tok" $FAST
boot boot_ok_third 0 "BOOT_OK"
stop_token
check fresh_session_keys test "$k1" != "$(od -An -tx1 "$T/session.key")"

fault bad_token_signature "signature does not verify" --fault bad-sig
fault wrong_token_key "signature does not verify" --fault wrong-key
fault gcm_tag_flipped "AES-GCM authentication failed" --fault gcm-tag
fault checksum_corrupted "frame checksum mismatch" --fault checksum
fault invalid_escape "invalid escape sequence" --fault bad-escape
fault oversize_frame "frame longer than 260 bytes" --fault oversize
fault debug_msg_refused "debug build (DEBUG_MSG received)" --fault debug-msg
fault token_error "reported an internal error" --fault error
fault token_nack "rejected the message (NACK)" --fault nack
fault ping_dropped "channel verification: the token did not answer" \
    --fault drop-ping
fault boot_ok_dropped "waiting for BOOT_OK: the token did not answer" \
    --fault drop-boot-ok
fault encrypted_start "power-cycle it" --fault encrypted-start

# --debug tolerates DEBUG_MSG frames.
start_token "$T/tok" $FAST --fault debug-msg
boot debug_msg_with_debug 0 "BOOT_OK" --debug
stop_token

# The golden file changes: the token halts for good and says so.
echo "kernel v2 (tampered)" > "$T/golden"
rm -f "$T/tok/log"
start_token "$T/tok" $FAST
boot golden_changed 1 "refused the host's integrity"
sleep 0.3
check halt_repeats test "$(grep -c 'tx T2H_INTEGRITY_FAIL_HALT' "$T/tok/log")" -ge 2
check halt_reason contains "$T/tok/log" "halt: golden hash mismatch"
stop_token
check final_state_halt contains "$T/tok/log" "final state=0xFF"

# An unprovisioned token ignores the serial line: the host times out.
mkdir -p "$T/fresh"
start_token "$T/fresh" $FAST
boot unprovisioned_token_silent 1 "did not answer in time"
stop_token

# The token's key in the TPM is not this token's: its share is refused.
"$BIN/mastr-provision" --set-token-pubkey \
    "$("$BIN/mastr-token" --state "$T/fresh" --show-pubkey)" > /dev/null
echo "kernel v1" > "$T/golden"
start_token "$T/tok" $FAST
boot other_token_refused 1 "signature does not verify"
stop_token

# No TPM reachable, no such port: clear errors, closed gate.
rc=0
"$BIN/mastr-bootstrap" --port /dev/null --tcti "swtpm:path=$T/none" \
    2> "$T/err" || rc=$?
check no_tpm_halts test "$rc" -eq 1
check no_tpm_message contains "$T/err" "cannot reach the TPM"
rc=0
"$BIN/mastr-bootstrap" --port "$T/no-such-tty" 2> "$T/err" || rc=$?
check no_port_halts test "$rc" -eq 1
check no_port_message contains "$T/err" "cannot open"
rc=0
"$BIN/mastr-bootstrap" 2> /dev/null || rc=$?
check usage_exit_2 test "$rc" -eq 2

summary
