# SPDX-License-Identifier: BSD-2-Clause
# Shared by the MASTR end-to-end tests. Usage: . lib.sh BIN_DIR
# Starts real components (swtpm, mastr-token) as children in a private temp
# dir and stops them by PID on exit.
set -eu

BIN=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/mastr-test.XXXXXX")
PIDS=""
passes=0
fails=0
export TSS2_LOG=all+none

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; }

# check NAME CONDITION...: run a test command, record the result.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

summary() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}

# wait_line FILE N: wait (up to 5 s) until FILE has N lines.
wait_line() {
	i=0
	while [ "$(wc -l < "$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "timeout waiting for $1" >&2; return 1; }
		sleep 0.05
	done
}

# start_swtpm DIR: a bare swtpm (no EK certificate) on a unix socket.
start_swtpm() {
	mkdir -p "$1"
	swtpm socket --tpm2 --server "type=unixio,path=$1/tpm.sock" \
	    --ctrl "type=unixio,path=$1/tpm.sock.ctrl" --tpmstate "dir=$1" \
	    --flags not-need-init,startup-clear --log "file=$1/swtpm.log" &
	PIDS="$PIDS $!"
	i=0
	while [ ! -S "$1/tpm.sock" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05
	done
	export MASTR_TCTI="swtpm:path=$1/tpm.sock"
}

# start_token DIR [ARGS...]: a software token on a pty; sets PTY, TOKPID.
start_token() {
	dir=$1
	shift
	mkdir -p "$dir"
	: > "$dir/out"
	"$BIN/mastr-token" --state "$dir" --pty --log "$dir/log" "$@" \
	    > "$dir/out" 2> "$dir/err" &
	TOKPID=$!
	PIDS="$PIDS $TOKPID"
	wait_line "$dir/out" 1
	PTY=$(head -n 1 "$dir/out")
}

# stop_token: SIGTERM; the token must exit 0 with nothing from a sanitizer.
stop_token() {
	kill "$TOKPID" 2>/dev/null || true
	trc=0
	wait "$TOKPID" 2>/dev/null || trc=$?
	if [ "$trc" -ne 0 ] || grep -q Sanitizer "$dir/err"; then
		bad "token exit (rc=$trc)"; cat "$dir/err"
	fi
}

# Fast token timing for tests.
FAST="--ecdh-delay-ms 0 --ping-delay-ms 20 --reply-delay-ms 0 --halt-period-ms 100"

# pair DIR TOKDIR GOLDEN: host key, token key exchange, golden hash (offline).
pair() {
	hp=$("$BIN/mastr-provision" --regenerate 2>/dev/null)
	tp=$("$BIN/mastr-token" --state "$2" --show-pubkey)
	"$BIN/mastr-provision" --set-token-pubkey "$tp" > /dev/null
	gh=$("$BIN/mastr-provision" --golden-hash "$3")
	"$BIN/mastr-token" --state "$2" --set-host-pubkey "$hp" \
	    --set-golden-hash "$gh"
}

# contains FILE TEXT
contains() { grep -qF -- "$2" "$1"; }
