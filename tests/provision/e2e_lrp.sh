#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# LRP end to end through libpcsclite -> pcscd -> vpcd -> ntag424 emulate and
# the real ntag424-verifyd on SQLite: 'ntag424 provision --lrp' switches a
# factory tag to LRP mode (the dry run says it cannot be undone), taps are
# verified by 'ntag424 sun verify' (by UID, and offline with the keys
# chosen by the length of the PICCData) and by verifyd (also with
# --require-lrp), 'ntag424 info' says LRP, reset takes the keys back to
# factory and the tag stays in LRP mode, provision --lrp again has nothing
# to do for LRP and says so, check verifies it. An AES tag is refused by
# verifyd --require-lrp, with the reason.
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
: "${VERIFYD:?set VERIFYD to the ntag424-verifyd binary}"
. "$(dirname "$0")/../verifyd/lib.sh"
set -u

command -v jq >/dev/null || { echo "FAIL: needs jq" >&2; exit 1; }

die() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	[ -f "$DIR/server.log" ] && tail -n 20 "$DIR/server.log" >&2
	exit 1
}

# has NAME TEXT PATTERN: TEXT contains PATTERN literally.
has() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) bad "$1: no '$3' in: $2" ;;
	esac
}

rig_start || die "rig_start"
trap 'stop_server; rig_stop; rm -rf "$DIR"' EXIT
reader=$(rig_reader)
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
jqv() { printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null; }
uid=04C0000000D01A
prov="--preset game-coin --url https://coins.example/c"

rig_emulate "$RIG_DIR/lrp.state" --uid "$uid" || die "emulate"
out=$("$NTAG424" info --reader "$reader") || die "info: $out"
has "info before: AES" "$out" "cipher suite: AES"

# shellcheck disable=SC2086
out=$(nt provision $prov --lrp --dry-run 2>&1) || die "dry run: $out"
has "dry run: the step" "$out" "LRP mode (cannot be undone)"
has "dry run: the note" "$out" "switches the tag to LRP mode for good"
out=$("$NTAG424" info --reader "$reader") || die "info: $out"
has "dry run changed nothing" "$out" "cipher suite: AES"

# shellcheck disable=SC2086
out=$(nt provision $prov --lrp 2>&1) || die "provision --lrp: $out"
has "provision --lrp" "$out" "cipher suite: LRP (switched in this run; this cannot be undone)"
url=$(printf '%s\n' "$out" | sed -n 's/^url: //p')
picc=$(printf '%s\n' "$url" | sed -n 's/.*picc=\([0-9A-F]*\).*/\1/p')
[ ${#picc} -eq 48 ] && ok "LRP PICCData, 48 digits" ||
    bad "PICCData '$picc' is not 48 digits"
out=$("$NTAG424" info --reader "$reader") || die "info: $out"
has "info after: LRP" "$out" "cipher suite: LRP (LRP mode, for good)"

# Taps: sun verify by UID; verifyd, also requiring LRP.
tap=$("$NTAG424" tap --reader "$reader") || die "tap"
v=$("$NTAG424" sun verify --uid "$uid" --db "$DB" --kek-file "$KEK" \
    "$tap") || die "sun verify: $v"
has "sun verify --uid" "$v" "cipher: LRP"
start_server --db "$DB" --kek-file "$KEK" --log-level warn
expect "sun verify's URL is used" 409 '"verdict":"replay"' "$(pq "$tap")"
tap=$("$NTAG424" tap --reader "$reader") || die "tap"
expect "verifyd: an LRP tap" 200 "\"verdict\":\"valid\",\"uid\":\"$uid\"" \
    "$(pq "$tap")"
stop_server
start_server --db "$DB" --kek-file "$KEK" --log-level warn --require-lrp yes
tap=$("$NTAG424" tap --reader "$reader") || die "tap"
expect "verifyd --require-lrp: an LRP tap" 200 \
    "\"verdict\":\"valid\",\"uid\":\"$uid\"" "$(pq "$tap")"
stop_server

out=$(nt check 2>&1) || die "check: $out"
has "check" "$out" "cipher suite: LRP"

out=$(nt reset 2>&1) || die "reset: $out"
has "reset" "$out" "reset to factory"
out=$("$NTAG424" info --reader "$reader") || die "info: $out"
has "after reset: still LRP" "$out" "cipher suite: LRP (LRP mode, for good)"
has "after reset: factory keys" "$out" "key versions: 0:00 1:00 2:00 3:00 4:00"

# shellcheck disable=SC2086
out=$(nt provision $prov --lrp 2>&1) || die "provision again: $out"
has "provision --lrp on an LRP tag" "$out" "cipher suite: LRP (--lrp: the tag was in LRP mode already, nothing to do)"
out=$(nt check --json 2>&1) || die "check: $out"
[ "$(jqv "$out" .ok)" = true ] && ok "check after re-provision" ||
    bad "check after re-provision: $out"
rig_remove_tag || die "remove"

# An AES tag of the same preset: verifyd takes it by default, and with
# --require-lrp refuses it with the reason.
rig_emulate "$RIG_DIR/aes.state" --uid 04C0000000D02B || die "emulate aes"
# shellcheck disable=SC2086
out=$(nt provision $prov 2>&1) || die "provision aes: $out"
tap=$("$NTAG424" tap --reader "$reader") || die "tap aes"
start_server --db "$DB" --kek-file "$KEK" --log-level warn --require-lrp yes
expect "verifyd --require-lrp: an AES tap" 400 \
    '"verdict":"malformed","field":"picc","reason":"holds an AES tag'"'"'s PICCData (32 hex digits); the template is for LRP tags"' \
    "$(pq "$tap")"
stop_server
start_server --db "$DB" --kek-file "$KEK" --log-level warn
expect "verifyd: an AES tap" 200 '"verdict":"valid","uid":"04C0000000D02B"' \
    "$(pq "$tap")"
stop_server
rig_remove_tag || die "remove aes"
finish
