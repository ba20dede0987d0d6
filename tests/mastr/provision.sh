#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Provisioning end to end on a bare swtpm: two --regenerate runs give two
# keys; the host key goes to the software token over its HTTP API (curl),
# the token's key comes back and is stored; golden hash; --verify; then a
# real boot. Also every input error of --set-token-pubkey.
# Usage: provision.sh BIN_DIR
. "$(dirname "$0")/lib.sh"

P="$BIN/mastr-provision"
start_swtpm "$T/tpm"

# start_http DIR: the token with only its HTTP API; sets URL, TOKPID.
start_http() {
	dir=$1
	mkdir -p "$1"
	: > "$1/out"
	"$BIN/mastr-token" --state "$1" --http 127.0.0.1:0 > "$1/out" \
	    2> "$1/err" &
	TOKPID=$!
	PIDS="$PIDS $TOKPID"
	wait_line "$1/out" 1
	URL="http://$(sed -n 's/^http //p' "$1/out")"
}

# http METHOD PATH [BODY]: prints the status line's code, body in $T/body.
http() {
	auth=""
	[ -z "${BEARER:-}" ] || auth="Authorization: Bearer $BEARER"
	curl -s -o "$T/body" -w '%{http_code}' -X "$1" -H "$auth" \
	    ${3+--data-binary "$3"} "$URL$2"
}

# json KEY: a string member of the last body (the token's JSON is flat).
json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$T/body"; }

# --- the TPM side, first pass
"$P" > "$T/status" 2>&1
check status_without_key contains "$T/status" "no host signing key"
rc=0; "$P" --verify > "$T/out" || rc=$?
check verify_fails_unprovisioned test "$rc" -eq 1
check verify_no_complete_line test "$(grep -c 'Provisioning Complete' "$T/out")" -eq 0
k1=$("$P" --regenerate 2>/dev/null)
k2=$("$P" --regenerate 2>/dev/null)
check regenerate_128_hex sh -c "echo '$k2' | grep -Eqx '[0-9a-f]{128}'"
check regenerate_rotates test "$k1" != "$k2"
check show_pubkey_is_new test "$("$P" --show-pubkey)" = "$k2"
check no_transient_objects_left test -z "$(tpm2_getcap handles-transient -T "$MASTR_TCTI")"

# --- the token side, over HTTP, as a person with a browser would
BEARER=""
start_http "$T/tok"
check page_served test "$(http GET /)" = 200
check claim_ok test "$(http POST /api/claim)" = 200
check claim_message test "$(json message)" = reboot_device
check claim_password test -n "$(json new_password)"
check claim_twice_409 test "$(http POST /api/claim)" = 409
check claim_twice_error test "$(json error)" = already_claimed
check token_before_restart_403 test "$(http POST /api/auth/generate-token)" = 403
stop_token
start_http "$T/tok"				# the claim takes effect now
check generate_token_ok test "$(http POST /api/auth/generate-token)" = 200
tokbearer=$(json bearer_token)
check generate_token_once test "$(http POST /api/auth/generate-token)" = 409
check token_info_needs_auth test "$(http GET /api/provision/token_info)" = 401
BEARER=wrong
check token_info_wrong_bearer test "$(http GET /api/provision/token_info)" = 401
BEARER=$tokbearer
check token_info_ok test "$(http GET /api/provision/token_info)" = 200
tp=$(json token_pubkey)
check token_info_matches test "$tp" = "$("$BIN/mastr-token" --state "$T/tok" --show-pubkey)"
check host_pubkey_missing_body test "$(http POST /api/provision/host_pubkey '')" = 400
check host_pubkey_missing_error test "$(json error)" = missing_body
check host_pubkey_short test "$(http POST /api/provision/host_pubkey abcd)" = 400
check host_pubkey_short_error test "$(json error)" = invalid_length
bad=$(printf 'x%.127s' "$k2")
check host_pubkey_bad_hex test "$(http POST /api/provision/host_pubkey "$bad")" = 400
check host_pubkey_bad_hex_error test "$(json error)" = invalid_hex_format
check host_pubkey_accepted test "$(http POST /api/provision/host_pubkey "$k2")" = 202
http GET /api/provision/host_pubkey/status > /dev/null
check host_pubkey_ready test "$(json status)" = ready
echo "kernel v1" > "$T/golden"
gh=$("$P" --golden-hash "$T/golden")
check golden_hash_is_sha256 test "$gh" = "$(sha256sum "$T/golden" | cut -d' ' -f1)"
check golden_bad_length test "$(http POST /api/provision/golden_hash abc)" = 400
check golden_accepted test "$(http POST /api/provision/golden_hash "$gh")" = 202
http GET /api/provision/golden_hash/status > /dev/null
check golden_status_success test "$(json status)" = success
check golden_status_hash test "$(json golden_hash)" = "$gh"
stop_token

# --- back on the host
"$P" --set-token-pubkey "$tp" > "$T/out"
check set_token_pubkey contains "$T/out" "Token public key stored (TPM2 NVRAM 0x01C00002)"
check show_token_pubkey test "$("$P" --show-token-pubkey)" = "$tp"
"$P" --verify > "$T/out"
check verify_host_line contains "$T/out" "✓ Host keypair exists (TPM2 0x81000080)"
check verify_token_line contains "$T/out" "✓ Token pubkey stored (TPM2 NVRAM 0x01C00002)"
check verify_complete contains "$T/out" "Provisioning Complete!"
# Storing again replaces the key (the original failed and left it undefined).
mkdir -p "$T/other"
other=$("$BIN/mastr-token" --state "$T/other" --show-pubkey)
check set_token_pubkey_again "$P" --set-token-pubkey "$other" > /dev/null
check replaced test "$("$P" --show-token-pubkey)" = "$other"
check set_token_pubkey_back "$P" --set-token-pubkey "$tp" > /dev/null

# --- the provisioned token boots this host
start_token "$T/tok" $FAST --http 127.0.0.1:0
check boot_after_provisioning "$BIN/mastr-bootstrap" --port "$PTY" \
    --golden-file "$T/golden" --key-file "$T/sk" --timeout-ms 1000 > /dev/null
wait_line "$T/tok/out" 2
URL="http://$(sed -n 's/^http //p' "$T/tok/out")"
BEARER=""
http POST /api/auth/generate-token > /dev/null
BEARER=$(json bearer_token)
check provisioned_refuses_new_host_key test "$(http POST /api/provision/host_pubkey "$k1")" = 403
check reset_ok test "$(http POST /api/provision/reset)" = 200
stop_token
head -c 128 /dev/zero > "$T/zero"
check reset_zeroes_slot8 cmp -s "$T/tok/slot8.bin" "$T/zero"

# --- input errors, each with its message and exit code
expect_err() {
	name=$1 want=$2 text=$3
	shift 3
	rc=0
	"$P" "$@" > /dev/null 2> "$T/err" || rc=$?
	if [ "$rc" -eq "$want" ] && contains "$T/err" "$text"; then
		ok "$name"
	else
		bad "$name (rc=$rc)"; cat "$T/err"
	fi
}
expect_err bad_hex 3 "not hex" --set-token-pubkey "$bad"
expect_err wrong_length 3 "3 characters (expected 128" --set-token-pubkey abc
expect_err too_long 3 "130 characters" --set-token-pubkey "${tp}00"
# X = 0, Y = 1 is not on P-256.
offcurve=$(printf '%0128d' 1)
expect_err off_curve 3 "not a valid P-256 public key" --set-token-pubkey "$offcurve"
check rejected_input_left_key test "$("$P" --show-token-pubkey)" = "$tp"
expect_err no_tpm 4 "cannot reach the TPM" --tcti "swtpm:path=$T/none" --verify
MASTR_TCTI="swtpm:path=$T/none" expect_err no_tpm_env 4 "cannot reach the TPM"
expect_err missing_golden_file 6 "cannot read" --golden-hash "$T/none"
expect_err two_actions 2 "usage" --verify --show-pubkey
expect_err bad_handle 2 "usage" --key-handle 0xZZ

summary
