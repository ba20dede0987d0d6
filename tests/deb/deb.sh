#!/bin/sh
# The Debian packages end to end: build them (scripts/build-deb), lintian
# finds no error, install them with dpkg -i, run the installed ntag424
# --version and the installed SUN example (built with the installed
# pkg-config file) on the AN12196 vector, check the service's system user,
# then purge them all. Needs root (dpkg -i); exits 77 (skipped) without.
# Runs under a lock so that two runs on one machine do not meet in dpkg.
#   deb.sh SOURCE_DIR
set -eu
src=$1
if [ "$(id -u)" -ne 0 ] || ! command -v dpkg-buildpackage >/dev/null ||
    ! command -v lintian >/dev/null || ! command -v dh >/dev/null; then
	echo "SKIP: needs root, dpkg-buildpackage, debhelper and lintian"
	exit 77
fi
if [ -z "${DEB_TEST_LOCKED:-}" ]; then
	DEB_TEST_LOCKED=1 exec flock /var/lock/provisio-deb-test "$0" "$@"
fi

pkgs="libntag424-0 libntag424-dev libmastr0 libmastr-dev provisio
ntag424-verifyd mastr-host"
for p in $pkgs; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed'; then
		echo "FAIL: $p is already installed here; remove it first"
		exit 1
	fi
done

tmp=$(mktemp -d)
installed=0
cleanup() {
	# shellcheck disable=SC2086
	[ "$installed" -eq 0 ] || dpkg_wait --purge $pkgs || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
# dpkg with its arguments; while another program (apt-get of someone else
# on this machine) holds dpkg's lock, try again, at most 60 times.
dpkg_wait() {
	n=0
	while ! dpkg "$@" >"$tmp/dpkg.log" 2>&1; do
		grep -q 'lock' "$tmp/dpkg.log" && [ "$n" -lt 60 ] || return 1
		n=$((n + 1))
		sleep 5
	done
}

"$src/scripts/build-deb" "$tmp/out" >"$tmp/build.log" 2>&1 ||
    { tail -n 40 "$tmp/build.log"; fail "the packages do not build"; }
debs=""
for p in $pkgs; do
	f=$(ls "$tmp/out/${p}_"*.deb 2>/dev/null) || fail "no package $p"
	debs="$debs $f"
	echo "$(basename "$f"): $(stat -c %s "$f") bytes"
done
lintian --fail-on error "$tmp"/out/*.changes >"$tmp/lintian.log" 2>&1 ||
    { cat "$tmp/lintian.log"; fail "lintian reports errors"; }
grep '^[EW]:' "$tmp/lintian.log" || true

installed=1
# shellcheck disable=SC2086
dpkg_wait -i $debs || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }

want="ntag424 $(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)"
got=$(/usr/bin/ntag424 --version)
[ "$got" = "$want" ] || fail "ntag424 --version printed '$got', want '$want'"
getent passwd ntag424-verifyd >/dev/null || fail "no ntag424-verifyd user"
/usr/sbin/ntag424-verifyd --version >/dev/null || fail "ntag424-verifyd"

ex=/usr/share/doc/libntag424-dev/examples/sun_verify.c
[ -f "$ex" ] || fail "$ex not installed"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/sun_verify" "$ex" \
    $(pkg-config --cflags --libs ntag424) || fail "the example does not build"
ldd "$tmp/sun_verify" | grep -Eq 'libntag424.so.0 => (/usr)?/lib/' ||
    fail "the example does not load the packaged libntag424.so.0"
zero=00000000000000000000000000000000
got=$("$tmp/sun_verify" 'https://ntag.nxp.com/424?e={picc}&c={mac}' \
    'https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086' \
    $zero $zero) || fail "the example refused the AN12196 vector"
[ "$got" = "authentic: uid 04DE5F1EACC040 read counter 61" ] ||
    fail "the example printed '$got'"

# shellcheck disable=SC2086
dpkg_wait --purge $pkgs || { cat "$tmp/dpkg.log"; fail "purge"; }
installed=0
[ ! -e /usr/bin/ntag424 ] || fail "/usr/bin/ntag424 left after purge"
! getent passwd ntag424-verifyd >/dev/null || fail "user left after purge"
echo "packages build, lint clean, install, run and purge"
