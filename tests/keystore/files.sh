#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Files the keystore writes: export refuses a device node, a FIFO and a
# symbolic link (target untouched); a failed import leaves no keystore or
# KEK file behind; concurrent first uses of a new keystore share one KEK.
#   files.sh NTAG424 KS_SEED
set -u
NTAG424=$1
SEED=$2
T=$(mktemp -d /tmp/test_keys_files.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" HOME="$T"
unset PROVISIO_KEK
fails=0
pass=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; sed 's/^/  | /' "$T/out" >&2; }
# expect NAME RC NEEDLE -- command...: exit status and a line of output
expect() {
	name=$1 want=$2 needle=$3
	shift 4
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "  exit $rc, expected $want" >>"$T/out"
		bad "$name"
	elif ! grep -qF -- "$needle" "$T/out"; then
		echo "  no '$needle' in the output" >>"$T/out"
		bad "$name"
	else
		ok "$name"
	fi
}
check() { if eval "$2"; then ok "$1"; else echo "  $2" >"$T/out"; bad "$1"; fi; }

DB=$T/ks.db
KEK=$T/kek
"$SEED" "$DB" "$KEK" || { echo "FAIL seed"; exit 1; }
echo "a long passphrase for the backup" >"$T/pass"
chmod 600 "$T/pass"

# 1. Export targets that are not regular files.
NOTREG="is not a regular file (a device, FIFO or directory): refusing"
if [ "$(id -u)" = 0 ] && mknod "$T/full" c 1 7 2>/dev/null; then
	expect export_device 1 "$NOTREG" -- "$NTAG424" keys export "$T/full" \
	    --db "$DB" --kek-file "$KEK"
	check device_untouched '[ -c "$T/full" ]'
else
	echo "skip export_device: not root or no mknod"
fi
mkfifo "$T/fifo"
expect export_fifo 1 "$NOTREG" -- "$NTAG424" keys export "$T/fifo" \
    --db "$DB" --kek-file "$KEK"
check fifo_untouched '[ -p "$T/fifo" ]'
ln -s "$T/elsewhere" "$T/link"
expect export_symlink 1 "it is a symbolic link: refusing to replace it" -- \
    "$NTAG424" keys export "$T/link" --db "$DB" --kek-file "$KEK"
check symlink_untouched '[ -L "$T/link" ] && [ ! -e "$T/elsewhere" ]'
check no_temporaries '[ -z "$(ls "$T" | grep "\.tmp-")" ]'
expect export_regular 0 "exported 1 tags" -- "$NTAG424" keys export \
    "$T/b.bin" --passphrase-file "$T/pass" --db "$DB" --kek-file "$KEK"
check export_0600 '[ "$(stat -c %a "$T/b.bin")" = 600 ]'

# 2. A failed import into a new keystore leaves nothing behind.
printf 'not a backup at all, but long enough to be looked at: more than a header and a tag' >"$T/junk"
expect import_junk 1 "is not a keystore backup" -- "$NTAG424" keys import \
    "$T/junk" --passphrase-file "$T/pass" --db "$T/new.db" \
    --kek-file "$T/new.kek"
check import_junk_no_db '[ ! -e "$T/new.db" ] && [ ! -e "$T/new.db-wal" ]'
check import_junk_no_kek '[ ! -e "$T/new.kek" ]'
if grep -q "created a new key-encryption key" "$T/out"; then
	bad import_junk_no_created_message
else
	ok import_junk_no_created_message
fi
echo "another passphrase" >"$T/wrong"
chmod 600 "$T/wrong"
expect import_wrong_pass 1 "nothing was imported" -- "$NTAG424" keys import \
    "$T/b.bin" --passphrase-file "$T/wrong"
check import_default_nothing_left \
    '[ ! -e "$T/data/provisio/keystore.db" ] && [ ! -e "$T/config/provisio/kek" ]'
# An existing keystore and KEK stay, whatever the import did.
expect import_into_existing_fails 1 "nothing was imported" -- \
    "$NTAG424" keys import "$T/b.bin" --passphrase-file "$T/wrong" \
    --db "$DB" --kek-file "$KEK"
check existing_kept '[ -s "$DB" ] && [ -s "$KEK" ]'
expect import_then_works 0 "1 tags, 2 keys added" -- "$NTAG424" keys import \
    "$T/b.bin" --passphrase-file "$T/pass"
check import_default_made '[ -s "$T/data/provisio/keystore.db" ] && [ -s "$T/config/provisio/kek" ]'

# 3. N first uses at once: all succeed and share one KEK. A lock is the
# starting gun: this shell holds it exclusively, every process waits for it
# shared inside flock(1), and it is released once all N wait (their
# blocked requests show in /proc/locks).
N=8
R=5
r=0
raced=0
: >"$T/gun"
ino=$(stat -c %i "$T/gun")
exec 9>"$T/gun"
while [ $r -lt $R ]; do
	flock -x 9
	i=0
	while [ $i -lt $N ]; do
		flock -s "$T/gun" "$NTAG424" keys import "$T/b.bin" \
		    --passphrase-file "$T/pass" --db "$T/race$r.db" \
		    --kek-file "$T/race$r.kek" >"$T/race$r.$i.out" 2>&1 9>&- &
		i=$((i + 1))
	done
	w=0
	while [ "$(grep -c -- "-> FLOCK.*:$ino " /proc/locks)" -lt $N ] &&
	    [ $w -lt 500 ]; do w=$((w + 1)); sleep 0.01; done
	flock -u 9
	wait
	# A process that waited longer than the keystore's lock timeout (a
	# loaded machine: eight fsyncing writers) gave up cleanly: it goes
	# again once. Any other failure (a KEK file half written, "File
	# exists") is the race this checks.
	i=0
	while [ $i -lt $N ]; do
		out=$T/race$r.$i.out
		if ! grep -q "^imported " "$out" &&
		    grep -q "database is locked\|is busy" "$out"; then
			"$NTAG424" keys import "$T/b.bin" --passphrase-file \
			    "$T/pass" --db "$T/race$r.db" \
			    --kek-file "$T/race$r.kek" >"$out" 2>&1
		fi
		grep -q "^imported " "$out" || {
			raced=$((raced + 1))
			sed "s/^/  round $r process $i: /" "$out"
		}
		i=$((i + 1))
	done
	r=$((r + 1))
done
exec 9>&-
[ $raced -eq 0 ] && ok "concurrent_first_uses ($R rounds of $N)" ||
    { echo "$raced of $((R * N)) failed" >"$T/out"; bad concurrent_first_uses; }
n=$(cat "$T"/race*.out | grep -c "created a new key-encryption key")
check one_kek_created_per_round '[ "$n" = "$R" ]'
expect race_kek_opens 0 "0 keys added (2 already here)" -- \
    "$NTAG424" keys import "$T/b.bin" --passphrase-file "$T/pass" \
    --db "$T/race0.db" --kek-file "$T/race0.kek"

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
