#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The tearing sweep (issue 4) through the real PC/SC path: libpcsclite ->
# pcscd -> vpcd -> ntag424 emulate, game-coin preset, random keys, SQLite.
# For every C-APDU index k of a provision and of a reset, and for a power
# cut before and after the k-th command takes effect: a fresh tag and
# keystore, the command torn (its failure and hint checked), the tag
# presented again, the command run again. Every case must end provisioned
# (or factory), with the keystore's key versions equal to the tag's, key 0
# authenticating (check), and at most one failed authentication. N is read
# from the command's own plan (--dry-run --json) and confirmed by an untorn
# run, never hard-coded. One pcscd for the whole sweep; one directory (tag
# state file, keystore, KEK) per case. Prints a table.
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
set -u

command -v jq >/dev/null || { echo "FAIL: needs jq" >&2; exit 1; }

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	exit 1
}

rig_start || fail "rig_start"
reader=$(rig_reader)
URL=https://coins.example/c
TAG=04A1B2C3D4E5F6
C=""				# the current case's directory

nt() {
	"$NTAG424" "$@" --reader "$reader" --db "$C/keystore.db" \
	    --kek-file "$C/kek"
}
jqv() {			# jqv JSON FILTER: the filter's value, compact
	printf '%s\n' "$1" | jq -cr "$2" 2>/dev/null
}
auths_in() {		# auths_in JSON: the report's failed authentications
	_a=$(jqv "$1" .failed_auths)
	case "$_a" in
	''|*[!0-9]*) echo 0 ;;
	*) echo "$_a" ;;
	esac
}

# The tag and the keystore agree: the keystore is in state $1, holds only
# applied current keys whose versions are the tag's (zero for factory, not
# zero for provisioned; all five keys for provisioned), and every key it
# does not hold is at version 00 on the tag. For factory, the file settings
# are also a fresh tag's.
agrees() {
	_info=$("$NTAG424" info --reader "$reader" --json 2>"$C/info.err") || {
		why="info: $(cat "$C/info.err")"; return 1; }
	_keys=$("$NTAG424" keys show $TAG --reveal --json --db \
	    "$C/keystore.db" --kek-file "$C/kek" 2>"$C/keys.err") || {
		why="keys show: $(cat "$C/keys.err")"; return 1; }
	_ok=$(jq -n --argjson t "$_info" --argjson k "$_keys" \
	    --argjson f "$FACTORY_FILES" --arg want "$1" '
		($k.keys | map(.keyno)) as $held
		| $k.status == $want
		and ($held | length) > 0
		and ($want == "factory" or ($held | length) == 5)
		and all($k.keys[]; .slot == "current" and .state == "applied"
		    and .version == $t.key_versions[.keyno]
		    and ((.version == 0) == ($want == "factory")))
		and all(range(0; $t.key_versions | length);
		    . as $n | ($held | index($n)) != null
		    or $t.key_versions[$n] == 0)
		and ($want != "factory" or $t.files == $f)' 2>&1)
	[ "$_ok" = true ] && return 0
	why="tag and keystore disagree: tag $(jqv "$_info" .key_versions)"
	why="$why, keystore $(jqv "$_keys" \
	    '{status, keys: [.keys[] | [.keyno, .slot, .state, .version]]}')"
	return 1
}

# A fresh case directory: empty (factory tag), or a copy of $TEMPLATE (a
# tag provisioned with its own keystore).
new_case() {
	C="$RIG_DIR/$1"
	mkdir "$C" || fail "mkdir $C"
	if [ "$2" = provisioned ]; then
		cp -p "$TEMPLATE"/* "$C"/ || fail "copy template"
	fi
}

op_cmd() {		# the command under test
	if [ "$1" = provision ]; then
		echo "provision --preset game-coin --url $URL --json"
	else
		echo "reset --json"
	fi
}

# The emulator has exited by itself on the power cut (exit 3) and pcscd
# saw the tag go.
wait_torn() {
	_i=0
	while kill -0 "$RIG_EMU_PID" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			rig_remove_tag
			why="the emulator did not cut the power"
			return 1
		fi
		sleep 0.05
	done
	rig_wait_tag || fail "pcscd did not see the torn tag go"
	[ "$RIG_EMU_STATUS" -eq 3 ] && return 0
	why="emulator exit $RIG_EMU_STATUS after the tear, not 3"
	return 1
}

# One case: $1 provision|reset, $2 k, $3 before|after. Sets auths (failed
# authentications over every run of the case) and why (on failure).
one_case() {
	auths=0
	why=""
	if [ "$1" = provision ]; then
		new_case "$1-$2-$3" factory
		rig_emulate "$C/tag.state" --uid $TAG --tear-at "$2" \
		    --tear-when "$3" || fail "emulate $1 $2 $3"
	else
		new_case "$1-$2-$3" provisioned
		rig_emulate "$C/tag.state" --tear-at "$2" --tear-when "$3" ||
		    fail "emulate $1 $2 $3"
	fi
	# shellcheck disable=SC2046
	out=$(nt $(op_cmd "$1") 2>"$C/torn.err")
	rc=$?
	auths=$((auths + $(auths_in "$out")))
	if [ $rc -eq 0 ] || [ "$(jqv "$out" .ok)" != false ]; then
		rig_remove_tag
		why="the torn run did not fail (exit $rc): $out"
		return 1
	fi
	wait_torn || return 1
	# the k-th C-APDU of this run got no answer, and the operator is
	# told to put the tag back and run the command again
	if [ "$(jqv "$out" '"\(.error) \(.apdus)"')" != "NTAG424_ERR_RX $2" ]
	then
		why="torn run: not the k-th C-APDU's missing answer: $out"
		return 1
	fi
	case "$(jqv "$out" .hint)" in
	"nothing was changed: put the tag back flat on the reader and run"*);;
	*"put the same tag back flat on the reader and run the same"*) ;;
	*)	why="torn run: no hint to put the tag back: $out"
		return 1 ;;
	esac

	rig_emulate "$C/tag.state" || fail "present again $1 $2 $3"
	# shellcheck disable=SC2046
	out=$(nt $(op_cmd "$1") 2>"$C/rerun.err")
	rc=$?
	auths=$((auths + $(auths_in "$out")))
	if [ $rc -ne 0 ] || [ "$(jqv "$out" .ok)" != true ]; then
		rig_remove_tag
		why="rerun failed: $out"
		return 1
	fi
	if [ "$1" = provision ]; then
		out=$(nt check --json 2>"$C/check.err")
		rc=$?
		auths=$((auths + $(auths_in "$out")))
		if [ $rc -ne 0 ] || [ "$(jqv "$out" .ok)" != true ]; then
			rig_remove_tag
			why="check failed: $out"
			return 1
		fi
		agrees provisioned
	else
		agrees factory
	fi
	_r=$?
	rig_remove_tag || fail "remove $1 $2 $3"
	if [ "$auths" -gt 1 ]; then
		why="$auths failed authentications"
		return 1
	fi
	return $_r
}

# A clean run: the plan's C-APDU count, which the run must match.
measure() {		# measure OP: sets apdus
	rig_emulate "$C/tag.state" --uid $TAG || fail "emulate $1 baseline"
	# shellcheck disable=SC2046
	out=$(nt $(op_cmd "$1") --dry-run 2>"$C/dry.err") ||
	    fail "$1 --dry-run: $out $(cat "$C/dry.err")"
	apdus=$(jqv "$out" .planned_apdus)
	case "$apdus" in
	''|*[!0-9]*|0) fail "$1 --dry-run: no C-APDU count: $out" ;;
	esac
	# shellcheck disable=SC2046
	out=$(nt $(op_cmd "$1") 2>"$C/run.err") ||
	    fail "$1 baseline: $out $(cat "$C/run.err")"
	[ "$(jqv "$out" .apdus)" = "$apdus" ] ||
	    fail "$1 baseline: $(jqv "$out" .apdus) C-APDUs, plan $apdus"
}

# Every case of one operation; appends its row to the table.
sweep() {		# sweep OP N
	cases=0 recovered=0 total=0 max=0
	k=1
	while [ $k -le "$2" ]; do
		for when in before after; do
			cases=$((cases + 1))
			if one_case "$1" $k $when; then
				recovered=$((recovered + 1))
				echo "ok   $1: cut at C-APDU $k $when:" \
				    "recovered, $auths failed auth"
			else
				failures=$((failures + 1))
				echo "FAIL $1: cut at C-APDU $k $when: $why"
			fi
			total=$((total + auths))
			[ "$auths" -gt $max ] && max=$auths
		done
		k=$((k + 1))
	done
	table="$table$(printf '%-34s %6s %6s %9s %12s %9s' \
	    "$1 game-coin random" "$2" $cases $recovered $total $max)
"
}

# The baselines. A fresh tag's file settings are what a reset must restore;
# the provisioned tag (with its keystore) is the template of the reset
# cases, saved before the baseline reset.
new_case baseline-provision factory
rig_emulate "$C/tag.state" --uid $TAG || fail "emulate factory"
FACTORY_FILES=$(jqv "$("$NTAG424" info --reader "$reader" --json)" .files)
if [ -z "$FACTORY_FILES" ] || [ "$FACTORY_FILES" = null ]; then
	fail "no file settings from info --json"
fi
rig_remove_tag || fail "remove factory"
measure provision
n_prov=$apdus
rig_remove_tag || fail "remove baseline"
TEMPLATE=$C
new_case baseline-reset provisioned
measure reset
n_reset=$apdus
rig_remove_tag || fail "remove baseline"

failures=0
table=""
sweep provision "$n_prov"
sweep reset "$n_reset"
printf '\n%-34s %6s %6s %9s %12s %9s\n%s\n' "tearing sweep (PC/SC)" APDUs \
    cases recovered "failed auths" max/case "$table"
[ $failures -eq 0 ] || fail "$failures cases did not recover"
echo "all passed"
