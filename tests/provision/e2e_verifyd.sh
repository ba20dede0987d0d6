#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The taps provisio reads itself are used up at once: through libpcsclite ->
# pcscd -> vpcd -> ntag424 emulate and the real ntag424-verifyd on SQLite.
# For both presets: the URL that 'ntag424 provision' verified (its phone-like
# check), the one 'ntag424 check' verified and the one 'ntag424 sun verify
# --uid' accepted are answered "replay" by the verifier, each asked right
# after it was read (so the stored counter is exactly that URL's); the URL
# 'ntag424 tap' read (no verification) is still a valid first tap. Also a
# template in a cohort named with --cohort, and the CLI's key options.
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

rig_start || die "rig_start"
trap 'stop_server; rig_stop; rm -rf "$DIR"' EXIT
reader=$(rig_reader)
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
jqv() { printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null; }

# expect_counter NAME URL COUNTER: the URL carries that read counter.
expect_counter() {
	if [ "$3" = "$4" ]; then ok "$1 read counter $3"; else
		bad "$1: read counter $4, want $3 ($2)"; fi
}

one_preset() {		# one_preset PRESET UID ARGS...
	pre=$1 uid=$2
	shift 2
	rig_emulate "$RIG_DIR/$pre.state" --uid "$uid" || die "emulate $pre"
	out=$(nt provision "$@" --json 2>"$DIR/prov.err") ||
	    die "provision $pre: $out $(cat "$DIR/prov.err")"
	prov_url=$(jqv "$out" .url)
	expect_counter "$pre provision" "$prov_url" 1 \
	    "$(jqv "$out" .read_counter)"

	# The verifier starts after the cohort key exists.
	start_server --db "$DB" --kek-file "$KEK" --log-level warn
	expect "$pre provision's URL" 409 '"verdict":"replay"' \
	    "$(pq "$prov_url")"

	out=$(nt check --json 2>"$DIR/check.err") ||
	    die "check $pre: $out $(cat "$DIR/check.err")"
	check_url=$(jqv "$out" .url)
	expect_counter "$pre check" "$check_url" 2 \
	    "$(jqv "$out" .read_counter)"
	expect "$pre check's URL" 409 '"verdict":"replay"' "$(pq "$check_url")"

	sun_url=$("$NTAG424" tap --reader "$reader") || die "tap $pre"
	v=$("$NTAG424" sun verify --uid "$uid" --db "$DB" --kek-file "$KEK" \
	    "$sun_url") || die "sun verify $pre: $v"
	expect "$pre sun verify's URL" 409 '"verdict":"replay"' \
	    "$(pq "$sun_url")"

	tap_url=$("$NTAG424" tap --reader "$reader") || die "tap $pre"
	expect "$pre tap's URL is a first tap" 200 \
	    "\"verdict\":\"valid\",\"uid\":\"$uid\",\"counter\":4," \
	    "$(pq "$tap_url")"
	expect "$pre tap's URL twice" 409 '"verdict":"replay"' \
	    "$(pq "$tap_url")"
	stop_server
	rig_remove_tag || die "remove $pre"
}

one_preset game-coin 04C0000000C01A --preset game-coin \
    --url https://coins.example/c
one_preset self-checkout 04C0000000C02B --preset self-checkout
# a template of one's own in a named cohort: the verifier finds the cohort
one_preset template 04C0000000C03C --template \
    'https://t.example/x?p={picc}&m={mac}' --cohort shop-a --keys diversified

# the options around the cohort and the write right, as the CLI takes them
rig_emulate "$RIG_DIR/o.state" --uid 04C0000000C04D || die "emulate o"
out=$(nt provision --preset game-coin --url https://coins.example/c \
    --meta-key per-tag --cohort x 2>&1)
[ $? -eq 2 ] && ok "--cohort with --meta-key per-tag is a usage error" ||
    bad "--cohort with --meta-key per-tag: $out"
out=$(nt provision --preset self-checkout --anyone-can-write --dry-run 2>&1)
case "$out" in
*"warning: --anyone-can-write: the NDEF file's ReadWrite right is free"*)
	ok "--anyone-can-write warns" ;;
*)	bad "--anyone-can-write did not warn: $out" ;;
esac
out=$(nt provision --preset self-checkout --dry-run 2>&1)
case "$out" in
*warning*) bad "a warning without --anyone-can-write: $out" ;;
*) ok "no warning by default" ;;
esac
rig_remove_tag || die "remove o"
finish
