# SPDX-License-Identifier: BSD-2-Clause
# Shared by the initramfs tests: install the hook with `cmake --install`
# into a private tree and build images with the real mkinitramfs in a
# private configuration directory (the machine's own is not touched).
# Usage: . initramfs-lib.sh BIN_DIR BUILD_DIR
. "$(dirname "$0")/lib.sh"
BUILD=$2

# Skip (77) only when the tools cannot be installed here; say so.
need() {
	for t in "$@"; do
		command -v "$t" > /dev/null 2>&1 && continue
		echo "SKIP: $t not installed (scripts/install-deps installs it)"
		exit 77
	done
}
need mkinitramfs lsinitramfs busybox
KVER=
for v in /boot/vmlinuz-*; do
	v=${v#/boot/vmlinuz-}
	[ -d "/lib/modules/$v" ] && KVER=$v
done
if [ -z "$KVER" ]; then
	echo "SKIP: no kernel (apt-get install linux-image-amd64)"
	exit 77
fi

DESTDIR="$T/root" cmake --install "$BUILD" > /dev/null
CONFDIR="$T/root/etc/initramfs-tools"
mkdir -p "$CONFDIR/conf.d"
printf 'MODULES=list\nBUSYBOX=y\nCOMPRESS=gzip\n' > "$CONFDIR/initramfs.conf"
: > "$CONFDIR/modules"
export MASTR_BOOTSTRAP="$BIN/mastr-bootstrap"

# build_image CONF OUT: mkinitramfs with the hook; its stderr in $T/mk.err.
build_image() {
	MASTR_CONF=$1 mkinitramfs -d "$CONFDIR" -o "$2" "$KVER" \
	    2> "$T/mk.err"
}

# write_conf FILE GOLDEN [EXTRA LINE]: a valid configuration.
write_conf() {
	{
		echo "# MASTR boot gate"
		echo "MASTR_PORT=/dev/ttyS1"
		echo "MASTR_TCTI=device:/dev/tpm0"
		echo "MASTR_GOLDEN=$2"
		echo "MASTR_KEY=/run/mastr/session.key"
		[ $# -lt 3 ] || echo "$3"
	} > "$1"
}
