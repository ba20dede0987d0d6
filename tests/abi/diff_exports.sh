#!/bin/sh
# For libntag424 and libmastr: the functions the installed headers declare,
# the export list (src/lib/LIB.map) and the dynamic symbols the built shared
# library defines (nm -D) must be the same set. Any difference fails and is
# printed (-: only in the first, +: only in the second).
#   diff_exports.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
inc=$tmp/prefix/include
so=$(find "$tmp/prefix" -name 'libntag424.so' | head -n 1)
if [ -z "$so" ] || [ ! -d "$inc/ntag424" ] || [ ! -d "$inc/mastr" ]; then
	echo "FAIL: cmake --install installs no libntag424.so or no headers"
	exit 1
fi
libdir=$(dirname "$so")
status=0

check() {
	lib=$1
	shift
	(cd "$inc" && "$src/scripts/public-functions" "${lib}_" "$inc" "$@") \
	    >"$tmp/$lib.headers"
	sed -n 's/^[ \t]*\([A-Za-z0-9_]*\);$/\1/p' "$src/src/lib/$lib.map" |
	    sort -u >"$tmp/$lib.map"
	nm -D --defined-only "$libdir/lib$lib.so" | awk '{ print $NF }' |
	    sort -u >"$tmp/$lib.nm"
	n=$(wc -l <"$tmp/$lib.headers")
	if [ "$n" -eq 0 ]; then
		echo "lib$lib: no functions found in the installed headers"
		status=1
		return
	fi
	for other in map nm; do
		if ! diff -u "$tmp/$lib.headers" "$tmp/$lib.$other" \
		    >"$tmp/diff"; then
			echo "lib$lib: installed headers and $other differ:"
			tail -n +3 "$tmp/diff" | grep '^[-+]'
			status=1
		fi
	done
	echo "lib$lib: $n functions declared, exported and listed"
}

check ntag424 ntag424.h $(cd "$inc" && ls ntag424/*.h)
check mastr $(cd "$inc" && ls mastr/*.h)
exit $status
