#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Host time per provisioning step and per attestation against a private
# swtpm and the software token with all its delays set to 0.
# Usage: bench/mastr/run.sh BUILD_DIR [ROUNDS]
set -eu
B=$(cd "${1:?usage: run.sh BUILD_DIR [ROUNDS]}" && pwd)
ROUNDS=${2:-20}
BIN=$B/tools/mastr
BENCH=$B/bench/mastr/mastr_bench
[ -x "$BENCH" ] || { echo "build $BENCH first (add_subdirectory(bench/mastr))" >&2; exit 1; }
D=$(mktemp -d "${TMPDIR:-/tmp}/mastr-bench.XXXXXX")
PIDS=""
export TSS2_LOG=${TSS2_LOG:-all+none}
trap 'for p in $PIDS; do kill $p; wait $p 2>/dev/null || true; done; rm -rf "$D"' EXIT INT TERM

mkdir -p "$D/tpm" "$D/tok"
swtpm socket --tpm2 --server "type=unixio,path=$D/tpm/sock" \
    --ctrl "type=unixio,path=$D/tpm/sock.ctrl" --tpmstate "dir=$D/tpm" \
    --flags not-need-init,startup-clear --log "file=$D/tpm/log" &
PIDS="$PIDS $!"
while [ ! -S "$D/tpm/sock" ]; do sleep 0.05; done
export MASTR_TCTI="swtpm:path=$D/tpm/sock"

head -c 16777216 /dev/zero > "$D/vmlinuz"	# a 16 MiB "kernel"
hp=$("$BIN/mastr-provision" --regenerate 2>/dev/null)
"$BIN/mastr-provision" --set-token-pubkey \
    "$("$BIN/mastr-token" --state "$D/tok" --show-pubkey)" > /dev/null
"$BIN/mastr-token" --state "$D/tok" --set-host-pubkey "$hp" \
    --set-golden-hash "$("$BIN/mastr-provision" --golden-hash "$D/vmlinuz")"
: > "$D/out"
"$BIN/mastr-token" --state "$D/tok" --pty --ecdh-delay-ms 0 \
    --ping-delay-ms 0 --reply-delay-ms 0 --session-timeout-ms 0 > "$D/out" &
PIDS="$PIDS $!"
while [ ! -s "$D/out" ]; do sleep 0.05; done
echo "mastr: $ROUNDS rounds, swtpm, token delays 0, 16 MiB golden file"
"$BENCH" "$MASTR_TCTI" "$(head -n 1 "$D/out")" "$D/vmlinuz" "$ROUNDS"
