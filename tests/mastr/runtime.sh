#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mastr-heartbeat after a BOOT_OK: heartbeats, token-initiated
# re-attestation (short session timeout, and on demand with SIGUSR1), and
# the emergency command after missed ACKs or a FAIL_HALT.
# Usage: runtime.sh BIN_DIR
. "$(dirname "$0")/lib.sh"

start_swtpm "$T/tpm"
echo "kernel v1" > "$T/golden"
mkdir -p "$T/tok"
pair "$T/tpm" "$T/tok" "$T/golden"

bootstrap() {
	"$BIN/mastr-bootstrap" --port "$PTY" --golden-file "$T/golden" \
	    --key-file "$T/session.key" --timeout-ms 1000 > /dev/null
}

# heartbeat [ARGS...]: start mastr-heartbeat in the background; HBPID.
heartbeat() {
	rm -f "$T/emergency"
	"$BIN/mastr-heartbeat" --port "$PTY" --golden-file "$T/golden" \
	    --key-file "$T/session.key" --timeout-ms 1000 \
	    --emergency-cmd "touch '$T/emergency'" "$@" 2> "$T/hb.err" &
	HBPID=$!
}

# wait_exit PID SECONDS: the exit status, or 255 if still running.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt $(($2 * 20)) ]; then
			kill "$1"; wait "$1" 2>/dev/null || true; return 255
		fi
		sleep 0.05
	done
	rc=0; wait "$1" || rc=$?; return $rc
}

count() { grep -c -- "$2" "$1" || true; }

# 1. Heartbeats and two automatic re-attestations within ~3 s.
start_token "$T/tok" $FAST --session-timeout-ms 1200
bootstrap
k0=$(od -An -tx1 "$T/session.key")
heartbeat --interval-ms 200
sleep 3.2
check heartbeat_still_running kill -0 "$HBPID"
check no_emergency test ! -e "$T/emergency"
check heartbeats_acked test "$(count "$T/tok/log" 'tx T2H_HEARTBEAT_ACK')" -ge 5
check reattested_twice test "$(count "$T/tok/log" '^reattest')" -ge 2
check boot_ok_after_reattest test "$(count "$T/tok/log" 'tx T2H_BOOT_OK')" -ge 3
check new_session_key test "$k0" != "$(od -An -tx1 "$T/session.key")"
check host_reports_reattest contains "$T/hb.err" "re-attested"
kill "$HBPID"; wait "$HBPID" 2>/dev/null || true
stop_token

# 2. Re-attestation on demand (SIGUSR1 to the token).
rm -f "$T/tok/log"
start_token "$T/tok" $FAST
bootstrap
heartbeat --interval-ms 200
sleep 0.3
kill -USR1 "$TOKPID"
sleep 0.8
check sigusr1_reattest test "$(count "$T/tok/log" '^reattest')" -eq 1
check sigusr1_boot_ok test "$(count "$T/tok/log" 'tx T2H_BOOT_OK')" -eq 2
check sigusr1_no_emergency test ! -e "$T/emergency"
kill "$HBPID"; wait "$HBPID" 2>/dev/null || true
stop_token

# 3. Three missed heartbeat ACKs: emergency command, exit 3.
start_token "$T/tok" $FAST --fault drop-hb-ack
bootstrap
heartbeat --interval-ms 100
rc=0; wait_exit "$HBPID" 5 || rc=$?
check missed_acks_exit_3 test "$rc" -eq 3
check missed_acks_emergency_ran test -e "$T/emergency"
check missed_acks_message contains "$T/hb.err" "heartbeat ACKs missed"
check three_heartbeats_dropped test "$(count "$T/tok/log" 'fault drop-hb-ack')" -ge 3
stop_token

# 4. The golden file changes while running: the next re-attestation ends in
#    FAIL_HALT, and the host powers off.
start_token "$T/tok" $FAST --session-timeout-ms 500
bootstrap
heartbeat --interval-ms 200
echo "kernel v1 + rootkit" > "$T/golden"
rc=0; wait_exit "$HBPID" 5 || rc=$?
check fail_halt_exit_3 test "$rc" -eq 3
check fail_halt_emergency_ran test -e "$T/emergency"
check fail_halt_message contains "$T/hb.err" "refused the host's integrity"
stop_token
echo "kernel v1" > "$T/golden"

# 5. A GCM failure at runtime (frames under another key) is fatal too.
start_token "$T/tok" $FAST --fault encrypted-start
heartbeat --interval-ms 100
kill -USR1 "$TOKPID"
rc=0; wait_exit "$HBPID" 5 || rc=$?
check gcm_failure_exit_3 test "$rc" -eq 3
check gcm_failure_message contains "$T/hb.err" "AES-GCM authentication failed"
stop_token

# 6. No session key handed over: emergency at once.
rm -f "$T/session.key"
start_token "$T/tok" $FAST
heartbeat
rc=0; wait_exit "$HBPID" 5 || rc=$?
check no_key_exit_3 test "$rc" -eq 3
check no_key_message contains "$T/hb.err" "no session key"
stop_token

summary
