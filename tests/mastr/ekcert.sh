#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A swtpm manufactured with EK certificates (swtpm_setup --create-ek-cert,
# with a private local CA): NV 0x01C00002 holds the RSA EK certificate, so
# the default index is refused with a message naming --nv-index 0x01800002,
# and that index works end to end. docs/mastr.md defect 3.
# Usage: ekcert.sh BIN_DIR
. "$(dirname "$0")/lib.sh"

P="$BIN/mastr-provision"
mkdir -p "$T/ca" "$T/tpm"
cat > "$T/localca.conf" <<CONF
statedir = $T/ca
signingkey = $T/ca/signkey.pem
issuercert = $T/ca/issuercert.pem
certserial = $T/ca/certserial
CONF
echo "--platform-manufacturer provisio" > "$T/localca.options"
cat > "$T/setup.conf" <<CONF
create_certs_tool = /usr/bin/swtpm_localca
create_certs_tool_config = $T/localca.conf
create_certs_tool_options = $T/localca.options
active_pcr_banks = sha256
CONF
swtpm_setup --tpm2 --create-ek-cert --tpmstate "$T/tpm" \
    --config "$T/setup.conf" --overwrite > "$T/setup.log" 2>&1
start_swtpm "$T/tpm"

# The index really is the platform's EK certificate.
tpm2_nvreadpublic -T "$MASTR_TCTI" 0x01C00002 > "$T/nvpub"
check ek_cert_index_present contains "$T/nvpub" "platformcreate"

mkdir -p "$T/tok"
tp=$("$BIN/mastr-token" --state "$T/tok" --show-pubkey)
hp=$("$P" --regenerate 2>/dev/null)

rc=0
"$P" --set-token-pubkey "$tp" > /dev/null 2> "$T/err" || rc=$?
check default_index_refused test "$rc" -eq 5
check refusal_names_alternative contains "$T/err" "--nv-index 0x01800002"
check refusal_names_ek_cert contains "$T/err" "EK certificate"
tpm2_nvreadpublic -T "$MASTR_TCTI" 0x01C00002 > "$T/nvpub2"
check ek_cert_untouched cmp -s "$T/nvpub" "$T/nvpub2"

# The original would have read certificate bytes as a token key here.
rc=0
"$P" --show-token-pubkey > "$T/out" 2> "$T/err" || rc=$?
check show_refused test "$rc" -eq 5
check show_prints_nothing test ! -s "$T/out"
rc=0
"$P" --verify > "$T/out" 2>&1 || rc=$?
check verify_refused test "$rc" -eq 5
check verify_not_complete test "$(grep -c 'Provisioning Complete' "$T/out")" -eq 0
check verify_names_alternative contains "$T/out" "--nv-index 0x01800002"

# The owner index works, and the boot gate uses it.
check owner_index_store "$P" --nv-index 0x01800002 --set-token-pubkey "$tp"
check owner_index_show test "$("$P" --nv-index 0x01800002 --show-token-pubkey)" = "$tp"
"$P" --nv-index 0x01800002 --verify > "$T/out"
check owner_index_verify contains "$T/out" "Provisioning Complete!"
echo "kernel" > "$T/golden"
"$BIN/mastr-token" --state "$T/tok" --set-host-pubkey "$hp" \
    --set-golden-hash "$("$P" --golden-hash "$T/golden")"
start_token "$T/tok" $FAST
rc=0
"$BIN/mastr-bootstrap" --port "$PTY" --golden-file "$T/golden" \
    --key-file "$T/sk" --timeout-ms 1000 2> "$T/err" > /dev/null || rc=$?
check bootstrap_default_index_halts test "$rc" -eq 1
check bootstrap_names_alternative contains "$T/err" "--nv-index 0x01800002"
check bootstrap_owner_index_boots "$BIN/mastr-bootstrap" --port "$PTY" \
    --nv-index 0x01800002 --golden-file "$T/golden" --key-file "$T/sk" \
    --timeout-ms 1000
stop_token

summary
