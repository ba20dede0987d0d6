#!/bin/sh
# Install into a temporary prefix and build examples/ against that prefix
# only: with cc $(pkg-config --cflags --libs ntag424) and with CMake's
# find_package(ntag424). Then run the SUN example on the AN12196 vector
# (4.4.2.2: all-zero keys, UID 04DE5F1EACC040, SDMReadCtr 61) and on the
# same URL with one MAC digit changed, which must be refused.
#   install_examples.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
pc=$(find "$prefix" -name ntag424.pc)
[ -n "$pc" ] || fail "no ntag424.pc installed"
[ -n "$(find "$prefix" -name mastr.pc)" ] || fail "no mastr.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libntag424.so.0" "$libdir/libntag424.a" \
    "$libdir/libmastr.so.0" "$libdir/libmastr.a" \
    "$prefix/include/ntag424.h" "$prefix/include/ntag424/keystore.h" \
    "$prefix/include/mastr/host.h" \
    "$libdir/cmake/ntag424/ntag424Config.cmake" \
    "$libdir/cmake/mastr/mastrConfig.cmake" "$prefix/bin/ntag424"; do
	[ -e "$f" ] || fail "$f not installed"
done

pkg() {
	PKG_CONFIG_PATH=$(dirname "$pc") pkg-config "$@"
}
[ "$(pkg --modversion ntag424)" = "$("$prefix/bin/ntag424" --version |
    awk '{ print $NF }')" ] || fail "pkg-config version is not the program's"
flags=$(pkg --cflags --libs ntag424)
case $flags in
*"$src"*|*"$build"*) fail "pkg-config points into the tree: $flags" ;;
esac
case $flags in
*"-I$prefix/"*"-L$prefix/"*) ;;
*) fail "pkg-config does not point into $prefix: $flags" ;;
esac
for ex in sun_verify tag_info provision_tag; do
	# shellcheck disable=SC2086
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$tmp/$ex" \
	    "$src/examples/$ex.c" $flags -Wl,-rpath,"$libdir" ||
	    fail "$ex does not build against the installed library"
done

# The same with find_package(ntag424).
mkdir "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<EOT
cmake_minimum_required(VERSION 3.25)
project(example LANGUAGES C)
find_package(ntag424 0.1 REQUIRED)
add_executable(sun_verify $src/examples/sun_verify.c)
target_link_libraries(sun_verify PRIVATE ntag424::ntag424)
EOT
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$prefix" \
    >"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; fail "find_package"; }
cmake --build "$tmp/cm/build" >>"$tmp/cm.log" 2>&1 ||
    { cat "$tmp/cm.log"; fail "find_package build"; }

ldd "$tmp/sun_verify" | grep -q "libntag424.so.0 => $libdir/" ||
    fail "sun_verify does not load the installed libntag424.so.0"
zero=00000000000000000000000000000000
tpl='https://ntag.nxp.com/424?e={picc}&c={mac}'
url='https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086'
bad='https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337087'
want='authentic: uid 04DE5F1EACC040 read counter 61'
for prog in "$tmp/sun_verify" "$tmp/cm/build/sun_verify"; do
	got=$("$prog" "$tpl" "$url" $zero $zero) || fail "$prog refused the vector"
	[ "$got" = "$want" ] || fail "$prog printed '$got', want '$want'"
	if "$prog" "$tpl" "$bad" $zero $zero 2>"$tmp/err"; then
		fail "$prog accepted a changed MAC"
	fi
	grep -q . "$tmp/err" || fail "$prog refused without a message"
done
echo "examples build against $prefix; sun_verify: $want"
