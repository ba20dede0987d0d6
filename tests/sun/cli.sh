#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ntag424 sun verify end to end: AN12196 vectors SUN-2, SUN-3, SUN-4
# (docs/test-vectors.md), exit statuses, @FILE keys, JSON, LRP.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
zero=00000000000000000000000000000000
fails=0
passes=0

# expect NAME STATUS PATTERN -- ARGS...: exit status and a line of output.
expect() {
	name=$1 want=$2 pattern=$3
	shift 4
	"$bin" sun verify "$@" >"$dir/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -qF -- "$pattern" "$dir/out"; then
		echo "FAIL $name: exit $got (want $want), output:"
		cat "$dir/out"
		fails=$((fails + 1))
	else
		echo "ok   $name"
		passes=$((passes + 1))
	fi
}

T2='https://ntag.nxp.com/424?e={picc}&c={mac}'
U2='https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086'
T3='https://my424dna.com/?picc_data={picc}&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}'
U3='https://my424dna.com/?picc_data=FDE4AFA99B5C820A2C1BB0F1C792D0EB&enc=94592FDE69FA06E8E3B6CA686A22842B&cmac=C48B89C17A233B2C'
T4='https://www.my424dna.com/?picc_data={picc}&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}'
U4='https://www.my424dna.com/?picc_data=FD91EC264309878BE6345CBE53BADF40&enc=CEE9A53E3E463EF1F459635736738962&cmac=ECC1E7F6C6C73BF6'
printf '  %s\n' "$zero" >"$dir/key"

expect sun2_valid 0 'counter: 61' -- --template "$T2" --meta-key $zero --mac-key $zero "$U2"
expect sun2_uid 0 'uid: 04DE5F1EACC040' -- --template "$T2" --meta-key $zero --mac-key $zero "$U2"
expect sun2_keyfile 0 'verdict: valid' -- --template "$T2" --meta-key "@$dir/key" --mac-key "@$dir/key" "$U2"
expect sun3_json 0 '{"verdict":"valid","uid":"04958CAA5C5E80","counter":1,"file_data":"78787878787878787878787878787878"}' \
	-- --json --template "$T3" --meta-key $zero --mac-key $zero "$U3"
expect sun4_valid 0 'file data: 78787878787878787878787878787878' -- --template "$T4" --meta-key $zero --mac-key $zero "$U4"
expect sun4_counter 0 'counter: 8' -- --template "$T4" --meta-key $zero --mac-key $zero "$U4"
expect bad_mac 1 'verdict: invalid' -- --template "$T2" --meta-key $zero --mac-key $zero \
	"$(echo "$U2" | sed 's/7086$/7087/')"
expect bad_mac_json 1 '"error":"NTAG424_ERR_BAD_MAC"' -- --json --template "$T2" --meta-key $zero --mac-key $zero \
	"$(echo "$U2" | sed 's/7086$/7087/')"
expect wrong_key 1 'verdict: invalid' -- --template "$T4" --meta-key $zero \
	--mac-key 00000000000000000000000000000001 "$U4"
expect missing 2 'field: c' -- --template "$T2" --meta-key $zero --mac-key $zero \
	'https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88'
expect malformed_json 2 '{"verdict":"malformed","field":"e","reason":"{picc} is not 32 hex digits"}' \
	-- --json --template "$T2" --meta-key $zero --mac-key $zero \
	"$(echo "$U2" | sed 's/E88/EXX/')"
expect no_meta_key 2 'give --meta-key' -- --template "$T2" --mac-key $zero "$U2"
expect short_key 2 '--meta-key: not 32 hex digits' -- --template "$T2" --meta-key 00 --mac-key $zero "$U2"
expect missing_keyfile 2 '--meta-key: not 32 hex digits' -- --template "$T2" --meta-key "@$dir/nope" --mac-key $zero "$U2"
expect bad_template 2 'position 13: unknown placeholder {pic}' -- --template 'https://x/?e={pic}&c={mac}' --mac-key $zero "$U2"
expect no_url 2 'usage: ntag424 sun verify' -- --template "$T2" --meta-key $zero --mac-key $zero
expect help 0 'usage: ntag424 sun verify' -- --help

# LRP (sdm-backend tests/test_libsdm.py test_sdm_lrp1/2): the mode comes from
# the length of the {picc} value; --mode aes refuses an LRP tag's URL.
TL='https://example.com/?picc_data={picc}&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}'
UL='https://example.com/?picc_data=07D9CA2545881D4BFDD920BE1603268C0714420DD893A497&enc=D6E921C47DB4C17C56F979F81559BB83&cmac=F9481AC7D855BDB6'
UT='https://example.com/?picc_data=07D9CA2545881D4BFDD920BE1603268C0714420DD893A4&enc=D6E921C47DB4C17C56F979F81559BB83&cmac=F9481AC7D855BDB6'
expect lrp_any 0 '{"verdict":"valid","uid":"049B112A2F7080","counter":4,"file_data":"4E5458586237647A3350735959426C55","lrp":true}' \
	-- --template "$TL" --meta-key $zero --mac-key $zero --json "$UL"
expect lrp_mode_lrp 0 'cipher: LRP' -- --template "$TL" --mode lrp --meta-key $zero --mac-key $zero "$UL"
expect lrp_to_aes 2 '{"verdict":"malformed","field":"picc_data","reason":"holds an LRP tag'"'"'s PICCData (48 hex digits); the template is for AES tags"}' \
	-- --template "$TL" --mode aes --meta-key $zero --mac-key $zero --json "$UL"
expect aes_to_lrp 2 'reason: holds an AES tag'"'"'s PICCData (32 hex digits); the template is for LRP tags' \
	-- --template "$T3" --mode lrp --meta-key $zero --mac-key $zero "$U3"
expect lrp_truncated 2 'reason: 46 characters, the template has 48' \
	-- --template "$TL" --meta-key $zero --mac-key $zero "$UT"
expect bad_mode 2 '--mode is aes, lrp or any' -- --template "$TL" --mode des --meta-key $zero --mac-key $zero "$UL"

# The key never shows up in the output.
"$bin" sun verify --template "$T2" --meta-key 0123456789ABCDEF0123456789ABCDEF \
	--mac-key $zero "$U2" >"$dir/out" 2>&1
if grep -qi 0123456789ABCDEF "$dir/out"; then
	echo "FAIL key_not_printed"
	fails=$((fails + 1))
else
	echo "ok   key_not_printed"
	passes=$((passes + 1))
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
