#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Two failures through libpcsclite -> pcscd -> vpcd -> ntag424 emulate,
# each asserted by its exact message, the tag's state and the keystore:
#   * a tag serving an authentication delay (91AD) after failed attempts;
#   * the SQLite keystore on a full file system (a tmpfs mounted in the
#     rig's private mount namespace): full before the run (nothing is sent
#     to the tag), and full in the middle of a run (the journal finishes it
#     once there is space, with the keys the tag really has).
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
set -u

fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && tail -n 20 "$RIG_DIR/emulate.log" >&2
	exit 1
}
ok() { echo "ok   $*"; }
has() {		# has "what" "text" "needle"
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) fail "$1: '$3' not in: $2" ;;
	esac
}
same() {	# same "what" "expected" "actual"
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	ok "$1"
}

rig_start || fail "rig_start"
reader=$(rig_reader)
DB=$RIG_DIR/keystore.db
KEK=$RIG_DIR/kek
URL=https://coins.example/c
nt() { "$NTAG424" "$@" --reader "$reader" --db "$DB" --kek-file "$KEK"; }
# What the tag shows without authenticating: key versions, file settings.
tag_view() { "$NTAG424" info --reader "$reader" 2>&1; }

# our own KEK, so that no "created a new key-encryption key" line comes
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$KEK"
chmod 600 "$KEK"

# ---- 91AD: three failed authentications with key 0 on record ------------
rig_emulate "$RIG_DIR/d.state" --uid 04AD0000000001 --auth-delay-after 3 \
    --auth-failures 0:3 || fail "emulate d"
before=$(tag_view)
has "delayed tag: factory keys" "$before" "key versions: 0:00 1:00 2:00 3:00 4:00"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "provisioned a tag in the delay state"
same "91AD message" "ntag424 provision: tag 04AD0000000001: the tag delays \
authentication with key 0 after failed attempts (status 91AD \
AUTHENTICATION_DELAY)" "$(echo "$out" | sed -n 1p)"
same "91AD what to do" "  what to do: the tag is serving an authentication \
delay after failed attempts (not ours: we never guess keys). The delay only \
runs down while the tag is powered and asked: leave it on the reader, wait \
about one minute and run the command again; never try other keys" \
    "$(echo "$out" | sed -n 2p)"
# the plan's cohort key was made before the tag was asked: said so, once
same "91AD: cohort key note" "ntag424: created cohort key game-coin (the SDM \
meta-read key its tags share) in the keystore: back up the keystore with \
'ntag424 keys export'" "$(echo "$out" | sed -n 3p)"
same "91AD: three lines, nothing else" 3 "$(echo "$out" | wc -l)"
same "91AD changed nothing on the tag" "$before" "$(tag_view)"
# a factory tag is authenticated before anything is recorded
out=$("$NTAG424" keys show 04AD0000000001 --db "$DB" --kek-file "$KEK" 2>&1)
has "91AD: nothing recorded" "$out" "tag 04AD0000000001 is not in the keystore"
# the delay was one unit, served by that answer: the same command finishes
out=$(nt provision --preset game-coin --url $URL 2>&1) ||
    fail "provision after the delay: $out"
has "provisioned after the delay" "$out" "tag 04AD0000000001: provisioned"
has "the 91AD was no failed authentication" "$out" \
    "0 failed authentications"
out=$(nt check 2>&1) || fail "check after the delay: $out"
rig_remove_tag || fail "remove d"

# ---- the keystore's file system is full -----------------------------------
FULL=$RIG_DIR/full
mkdir "$FULL" && mount -t tmpfs -o size=4m,mode=0700 tmpfs "$FULL" ||
    fail "mount the small tmpfs"
trap 'umount "$FULL" 2>/dev/null; rig_stop' EXIT
DB=$FULL/keystore.db
rig_emulate "$RIG_DIR/f1.state" --uid 04F0000000000F || fail "emulate f1"
out=$(nt provision --preset game-coin --url $URL 2>&1) ||
    fail "provision on the small tmpfs: $out"
rig_remove_tag || fail "remove f1"
# fill every block that is left (dd stops at ENOSPC)
dd if=/dev/zero of="$FULL/filler" bs=1k 2>/dev/null
[ "$(df --output=avail "$FULL" | tail -n 1 | tr -d ' ')" -eq 0 ] ||
    fail "the tmpfs is not full"
ok "keystore file system full"

rig_emulate "$RIG_DIR/f2.state" --uid 04F0000000002F || fail "emulate f2"
before=$(tag_view)
has "second tag: factory keys" "$before" "key versions: 0:00 1:00 2:00 3:00 4:00"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "provisioned with a full keystore"
same "disk full message" "ntag424 provision: the keystore $DB is full (disk \
I/O error: No space left on device) while opening: nothing of this change was \
written; free disk space and retry" "$out"
same "disk full changed nothing on the tag" "$before" "$(tag_view)"
out=$(nt check 2>&1) && fail "check of an unprovisioned tag passed"

# space freed: the same command finishes and tag and keystore agree
rm -f "$FULL/filler"
out=$(nt provision --preset game-coin --url $URL 2>&1) ||
    fail "provision after freeing space: $out"
has "provisioned after freeing space" "$out" "tag 04F0000000002F: provisioned"
out=$(nt check 2>&1) || fail "check after freeing space: $out"
has "keystore and tag agree" "$out" "04F0000000002F"
rig_remove_tag || fail "remove f2"
rig_emulate "$RIG_DIR/f1.state" || fail "emulate f1 again"
out=$(nt check 2>&1) || fail "first tag after the full disk: $out"
rig_remove_tag || fail "remove f1"
# ---- full in the middle of a run: the WAL outgrows a 352 KiB tmpfs ----
SMALL=$RIG_DIR/small
mkdir "$SMALL" && mount -t tmpfs -o size=352k,mode=0700 tmpfs "$SMALL" ||
    fail "mount the 352 KiB tmpfs"
trap 'umount "$SMALL" "$FULL" 2>/dev/null; rig_stop' EXIT
DB=$SMALL/keystore.db
rig_emulate "$RIG_DIR/m.state" --uid 04F0000000003F || fail "emulate m"
out=$(nt provision --preset game-coin --url $URL 2>&1) &&
    fail "provisioned with a 352 KiB keystore"
# Which statement meets the full disk first depends on the rows' sizes.
line1=$(echo "$out" | sed -n 1p)
has "mid-run full message" "$line1" "ntag424 provision: tag 04F0000000003F: \
keystore: the keystore $DB is full (database or disk is full) while "
has "mid-run full nothing written" "$line1" ": nothing of this change was \
written; free disk space and retry (NTAG424_ERR_STORE)"
same "mid-run full what to do" "  what to do: the tag is safe: each change \
was recorded as maybe-applied before it was sent. Fix the database, then run \
the same command again to finish" "$(echo "$out" | sed -n 2p)"
view=$(tag_view)
case "$view" in
*"key versions: 0:00 1:00 2:00 3:00 4:00"*)
	fail "the keystore filled up before the tag changed: $view" ;;
esac
ok "the keystore filled up after the tag changed"

# space freed: the journal finishes the run, and the keys it holds are the
# tag's (check authenticates with key 0, sun verify uses keys 1 and 3)
mount -o remount,size=4m "$SMALL" || fail "grow the tmpfs"
out=$(nt provision --preset game-coin --url $URL 2>&1) ||
    fail "resume after freeing space: $out"
has "resumed after freeing space" "$out" \
    "tag 04F0000000003F: provisioned (interrupted run finished) (partial;"
has "resume without failed auth" "$out" "0 failed authentications"
out=$(nt check 2>&1) || fail "check after the resume: $out"
url=$("$NTAG424" tap --reader "$reader") || fail "tap after the resume"
v=$("$NTAG424" sun verify --uid 04F0000000003F --db "$DB" --kek-file "$KEK" \
    "$url") || fail "sun verify after the resume: $v"
has "no key lost" "$v" "verdict: valid"
rig_remove_tag || fail "remove m"
echo "all passed"
