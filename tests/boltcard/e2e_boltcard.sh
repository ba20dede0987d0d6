#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A Boltcard's life through libpcsclite -> pcscd -> vpcd -> ntag424 emulate
# and the real ntag424-verifyd on SQLite: issued with --preset boltcard
# --keys boltcard (the card has the UID of the Boltcard specification's
# test vectors, so its stored keys must be the published K0..K4 for
# Version 1), tapped and verified by verifyd (lnurlw:// host ignored),
# exported as the NFC Programmer app's wipe JSON, wiped with those keys
# alone (a keystore that knows nothing but the JSON), and issued again
# (Version 2: new card keys, the same K1). Also each bad option's message.
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
: "${VERIFYD:?set VERIFYD to the ntag424-verifyd binary}"
: "${TAG_PUT:?set TAG_PUT to tests/boltcard/tag_put}"
. "$(dirname "$0")/../verifyd/lib.sh"
set -u

command -v jq >/dev/null || { echo "FAIL: needs jq" >&2; exit 1; }

die() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	[ -f "$DIR/server.log" ] && tail -n 20 "$DIR/server.log" >&2
	exit 1
}

rig_start || die "rig_start"
trap 'stop_server; rig_stop; rm -rf "$DIR"' EXIT
reader=$(rig_reader)
UID_=04A39493CC8680
URL=lnurlw://card.example/ln
DB2=$DIR/wipe.db
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
nt2() { "$NTAG424" "$@" --reader "$reader" --db "$DB2" --kek-file "$KEK"; }
jqv() { printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null; }
same() {	# same NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$3', want '$2'"; fi
}
# usage_err NAME WANT-MESSAGE ARGS...: exit 2 and exactly that message.
usage_err() {
	name=$1 want=$2
	shift 2
	got=$(nt provision "$@" 2>&1)
	st=$?
	if [ $st -eq 2 ] && [ "$got" = "$want" ]; then ok "$name"
	else bad "$name: exit $st, '$got'"; fi
}

printf '00000000000000000000000000000001\n' >"$DIR/issuer"
rig_emulate "$RIG_DIR/bolt.state" --uid $UID_ || die "emulate"

usage_err "--keys boltcard without --issuer-key" \
    "ntag424 provision: --keys boltcard needs --issuer-key @FILE (32 hex digits)" \
    --preset boltcard --url $URL --keys boltcard
usage_err "--keys boltcard with another preset" \
    "ntag424 provision: --keys boltcard is for --preset boltcard (its key roles)" \
    --preset game-coin --url https://x.example/c --keys boltcard \
    --issuer-key @"$DIR/issuer"
usage_err "--issuer-key without --keys boltcard" \
    "ntag424 provision: --issuer-key is for --keys boltcard" \
    --preset boltcard --url $URL --issuer-key @"$DIR/issuer"
usage_err "--keys boltcard with --cohort" \
    "ntag424 provision: --keys boltcard: key 1 is the issuer key's, its cohort is named after it; leave out --cohort" \
    --preset boltcard --url $URL --keys boltcard --issuer-key @"$DIR/issuer" \
    --cohort x
usage_err "boltcard with an https URL" \
    "ntag424 provision: the boltcard preset needs --url lnurlw://HOST/PATH" \
    --preset boltcard --url https://card.example/ln
usage_err "boltcard without --url" \
    "ntag424 provision: the boltcard preset needs --url lnurlw://HOST/PATH" \
    --preset boltcard

# 1. Issue the card.
out=$(nt provision --preset boltcard --url $URL --keys boltcard \
    --issuer-key @"$DIR/issuer" --json 2>"$DIR/prov.err") ||
    die "provision: $out $(cat "$DIR/prov.err")"
echo "boltcard provision: $(jqv "$out" .apdus) C-APDUs, planned $(jqv "$out" .planned_apdus)"
prov_url=$(jqv "$out" .url)
case "$prov_url" in
"$URL?p="????????????????????????????????"&c="????????????????) ok "the Boltcard URL layout ($prov_url)" ;;
*) bad "Boltcard URL layout: $prov_url" ;;
esac
show=$("$NTAG424" keys show $UID_ --reveal --json --db "$DB" --kek-file "$KEK") ||
    die "keys show"
# Boltcard specification, "Test vectors": UID 04a39493cc8680, issuer key
# 00..01, Version 1.
same "K0 is the specification's" A29119FCB48E737D1591D3489557E49B \
    "$(jqv "$show" '.keys[] | select(.keyno == 0 and .slot == "current") | .key' | tr a-f A-F)"
same "K1 is the specification's" 55DA174C9608993DC27BB3F30A4A7314 \
    "$(jqv "$show" '.keys[] | select(.keyno == 1 and .slot == "current") | .key' | tr a-f A-F)"
same "K2 is the specification's" F4B404BE700AB285E333E32348FA3D3B \
    "$(jqv "$show" '.keys[] | select(.keyno == 2 and .slot == "current") | .key' | tr a-f A-F)"
same "K3 is the specification's" 73610BA4AFE45B55319691CB9489142F \
    "$(jqv "$show" '.keys[] | select(.keyno == 3 and .slot == "current") | .key' | tr a-f A-F)"
same "K4 is the specification's" ADDD03E52964369BE7F2967736B7BDB5 \
    "$(jqv "$show" '.keys[] | select(.keyno == 4 and .slot == "current") | .key' | tr a-f A-F)"

printf 'abc\n' >"$DIR/bad-issuer"
usage_err "a bad issuer key" \
    "ntag424 provision: --issuer-key: not 32 hex digits or an unreadable @FILE" \
    --preset boltcard --url $URL --keys boltcard --issuer-key @"$DIR/bad-issuer"

out=$(nt check --json 2>&1)
same "check of the Boltcard" "true:0" "$(jqv "$out" .ok):$(jqv "$out" .failed_auths)"
url=$("$NTAG424" tap --reader "$reader") || die "tap"
v=$("$NTAG424" sun verify --uid $UID_ --db "$DB" --kek-file "$KEK" "$url" 2>&1) &&
    ok "sun verify --uid of a Boltcard tap" || bad "sun verify: $v"

# 2. A tap, verified by verifyd (the cohort holds K1: no key search).
start_server --db "$DB" --kek-file "$KEK" --log-level warn
expect "provision's URL is used up" 409 '"verdict":"replay"' "$(pq "$prov_url")"
tap_url=$("$NTAG424" tap --reader "$reader") || die "tap"
expect "a Boltcard tap is valid" 200 \
    "\"verdict\":\"valid\",\"uid\":\"$UID_\",\"counter\":4," "$(pq "$tap_url")"
expect "the same tap again" 409 '"verdict":"replay"' "$(pq "$tap_url")"
forged=$(printf '%s\n' "$tap_url" | sed 's/&c=\(.\)/\&c=0/;s/&c=00/\&c=11/')
expect "a changed MAC" 403 '"verdict":"bad_mac"' "$(pq "$forged")"
stop_server

# 3. The wipe JSON, and the card wiped with nothing but its keys.
wj=$("$NTAG424" keys export-wipe $UID_ --db "$DB" --kek-file "$KEK" 2>"$DIR/wipe.err") ||
    die "export-wipe: $(cat "$DIR/wipe.err")"
same "wipe JSON" '{"version":1,"action":"wipe","k0":"a29119fcb48e737d1591d3489557e49b","k1":"55da174c9608993dc27bb3f30a4a7314","k2":"f4b404be700ab285e333e32348fa3d3b","k3":"73610ba4afe45b55319691cb9489142f","k4":"addd03e52964369be7f2967736b7bdb5"}' "$wj"
case "$(cat "$DIR/wipe.err")" in
"warning: this holds the tag's five keys in the clear"*) ok "export-wipe warns" ;;
*) bad "export-wipe warning: $(cat "$DIR/wipe.err")" ;;
esac
# On a terminal with qrencode: the JSON on its standard input, not in argv.
mkdir -p "$DIR/bin"
cat >"$DIR/bin/qrencode" <<QR
#!/bin/sh
printf '%s\n' "\$*" >"$DIR/qr.argv"
cat >"$DIR/qr.stdin"
QR
chmod +x "$DIR/bin/qrencode"
PATH="$DIR/bin:$PATH" script -qec "'$NTAG424' keys export-wipe $UID_ --db '$DB' --kek-file '$KEK'" /dev/null >/dev/null 2>&1
same "qrencode's arguments" "-t ANSIUTF8" "$(cat "$DIR/qr.argv" 2>/dev/null)"
same "qrencode's standard input" "$wj" "$(cat "$DIR/qr.stdin" 2>/dev/null)"
got=$("$NTAG424" keys export-wipe 04A39493CC86 --db "$DB" --kek-file "$KEK" 2>&1)
same "export-wipe with a short UID" \
    "ntag424 keys export-wipe: give the tag's UID as 14 hex characters" "$got"
got=$("$NTAG424" keys export-wipe 04000000000001 --db "$DB" --kek-file "$KEK" 2>&1)
same "export-wipe of an unknown tag" \
    "ntag424 keys export-wipe: tag 04000000000001 is not in the keystore $DB" "$got"

printf '%s\n' "$wj" | jq -r '.k0, .k1, .k2, .k3, .k4' |
    "$TAG_PUT" "$DB2" "$KEK" $UID_ boltcard "$URL?p={picc}&c={mac}" 1 ||
    die "tag_put"
out=$(nt2 reset --json 2>"$DIR/reset.err") ||
    die "reset with the wipe keys: $out $(cat "$DIR/reset.err")"
same "wiped with the exported keys" true "$(jqv "$out" .changed)"
out=$(nt2 diagnose --json 2>&1)
same "the card is factory again" factory "$(jqv "$out" .found)"
got=$("$NTAG424" keys export-wipe $UID_ --db "$DB2" --kek-file "$KEK" 2>&1)
same "export-wipe of a card not provisioned" "ntag424 keys export-wipe: tag $UID_ is factory, not provisioned: its keys on the tag are not certain; finish it with 'ntag424 provision' or 'ntag424 reset' first" "$got"

# 4. Issued again: Version 2, new card keys, K1 the same.
out=$(nt2 provision --preset boltcard --url $URL --keys boltcard \
    --issuer-key @"$DIR/issuer" --json 2>"$DIR/prov.err") ||
    die "provision again: $out $(cat "$DIR/prov.err")"
show2=$("$NTAG424" keys show $UID_ --reveal --json --db "$DB2" --kek-file "$KEK")
same "issued again with key version 2" 2 \
    "$(jqv "$show2" '.keys[] | select(.keyno == 0 and .slot == "current") | .version')"
same "K1 stays the issuer key's" 55DA174C9608993DC27BB3F30A4A7314 \
    "$(jqv "$show2" '.keys[] | select(.keyno == 1 and .slot == "current") | .key' | tr a-f A-F)"
k0=$(jqv "$show2" '.keys[] | select(.keyno == 0 and .slot == "current") | .key' | tr a-f A-F)
[ -n "$k0" ] && [ "$k0" != A29119FCB48E737D1591D3489557E49B ] &&
    ok "K0 of Version 2 is new" || bad "K0 of Version 2: $k0"
start_server --db "$DB2" --kek-file "$KEK" --log-level warn
tap_url=$("$NTAG424" tap --reader "$reader") || die "tap 2"
expect "a tap of the card issued again is valid" 200 \
    "\"verdict\":\"valid\",\"uid\":\"$UID_\"" "$(pq "$tap_url")"
stop_server
rig_remove_tag || die "remove"
finish
