#!/bin/sh
# The two PC/SC examples, built against a fresh install only, on the
# software tag behind a private pcscd (tests/e2e/pcsc-rig.sh): tag_info
# reads the tag's facts; provision_tag provisions the factory tag with a
# new keystore, then leaves it alone on a second run.
#   examples_pcsc.sh SOURCE_DIR BUILD_DIR
. "$(dirname "$0")/../e2e/pcsc-rig.sh"
set -eu
src=$1
build=$2
fail() {
	echo "FAIL: $*" >&2
	[ -n "$RIG_DIR" ] && cat "$RIG_DIR/emulate.log" >&2
	exit 1
}
expect() {	# expect "what" "actual" "expected"
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	echo "ok   $1"
}

rig_start || fail "rig_start"
prefix=$RIG_DIR/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name ntag424.pc)
[ -n "$pc" ] || fail "no ntag424.pc installed"
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs ntag424)
libdir=$(dirname "$(dirname "$pc")")
for ex in tag_info provision_tag; do
	# shellcheck disable=SC2086
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$RIG_DIR/$ex" \
	    "$src/examples/$ex.c" $flags -Wl,-rpath,"$libdir" ||
	    fail "$ex does not build against the installed library"
done

reader=$(rig_reader)
rig_emulate "$RIG_DIR/tag.state" --uid 04A1B2C3D4E5F6 || fail "rig_emulate"
out=$("$RIG_DIR/tag_info" "$reader") || fail "tag_info: $out"
expect "tag_info uid" "$(echo "$out" | sed -n 's/^uid *//p')" 04A1B2C3D4E5F6
expect "tag_info hardware" "$(echo "$out" | sed -n 1p)" \
    "hardware  vendor 04 type 04, version 48.0"

ks=$RIG_DIR/keystore.db
kek=$RIG_DIR/kek
url=https://example.com/tag
out=$("$RIG_DIR/provision_tag" "$ks" "$kek" "$url" "$reader" 2>/dev/null) ||
    fail "provision_tag: $out"
expect "provision_tag on a factory tag" "$out" "factory: provisioned"
[ -s "$kek" ] || fail "no KEK file created"
out=$("$RIG_DIR/provision_tag" "$ks" "$kek" "$url" "$reader") ||
    fail "provision_tag again: $out"
expect "provision_tag again" "$out" "ours: left alone"
out=$("$NTAG424" check --db "$ks" --kek-file "$kek" --reader "$reader" 2>&1) ||
    fail "ntag424 check after provision_tag: $out"
echo "ok   ntag424 check agrees"
rig_remove_tag || fail "remove"
echo "all passed"
