#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The initramfs-tools hook: a good configuration gives an image with the
# gate; a missing or malformed one makes mkinitramfs fail with the hook's
# message and leaves no image. Usage: initramfs.sh BIN_DIR BUILD_DIR
. "$(dirname "$0")/initramfs-lib.sh"

echo "kernel v1" > "$T/golden"
write_conf "$T/good.conf" "$T/golden"
check good_image_built build_image "$T/good.conf" "$T/good.img"
lsinitramfs "$T/good.img" > "$T/list"
for f in usr/sbin/mastr-bootstrap etc/mastr/mastr.conf etc/mastr/golden \
    scripts/local-top/mastr libtss2-tcti-device.so.0 libtss2-esys.so.0; do
	check "image_has_$(basename "$f")" grep -q "$f\$" "$T/list"
done
mkdir "$T/x"
(cd "$T/x" && zcat "$T/good.img" | cpio -id --quiet etc/mastr/golden \
    etc/mastr/mastr.conf)
check golden_copied cmp -s "$T/golden" "$T/x/etc/mastr/golden"
check golden_hash_same test \
    "$(sha256sum < "$T/x/etc/mastr/golden" | cut -d' ' -f1)" = \
    "$("$BIN/mastr-provision" --golden-hash "$T/golden")"
check skip_forbidden_by_default contains "$T/x/etc/mastr/mastr.conf" \
    "MASTR_ALLOW_SKIP=no"

# The size the gate adds: the same image without the hook.
mv "$CONFDIR/hooks/mastr" "$T/hook"
mkinitramfs -d "$CONFDIR" -o "$T/plain.img" "$KVER" 2> /dev/null
mv "$T/hook" "$CONFDIR/hooks/mastr"
echo "image size: $(stat -c %s "$T/plain.img") bytes without the gate," \
    "$(stat -c %s "$T/good.img") with it (gzip)"

# refuse NAME TEXT CONF: mkinitramfs fails, says TEXT, writes no image
# (mkinitramfs creates its output file empty before the hooks run).
refuse() {
	rm -f "$T/bad.img"
	if build_image "$3" "$T/bad.img"; then
		bad "$1 (image built)"
	elif ! contains "$T/mk.err" "$2"; then
		bad "$1 (message)"; cat "$T/mk.err"
	elif [ -s "$T/bad.img" ]; then
		bad "$1 (image left behind)"
	else
		ok "$1"
	fi
}

refuse conf_missing "mastr: cannot read $T/none.conf; no image built" \
    "$T/none.conf"
# Not opted in (no configuration directory): an image without the gate.
rm -f "$T/plain2.img"
check not_opted_in_builds build_image "$T/no-such-dir/mastr.conf" "$T/plain2.img"
check not_opted_in_says contains "$T/mk.err" "no boot gate in this image"
check not_opted_in_no_gate sh -c \
    "! lsinitramfs '$T/plain2.img' | grep -q mastr-bootstrap"
printf 'MASTR_PORT=/dev/ttyS1\n' > "$T/c"
refuse conf_incomplete "MASTR_TCTI must be" "$T/c"
write_conf "$T/c" "$T/golden" "MASTR_SPEED=fast"
refuse conf_unknown_key "unknown key MASTR_SPEED" "$T/c"
write_conf "$T/c" "$T/golden" "garbage line"
refuse conf_not_key_value "not KEY=VALUE" "$T/c"
write_conf "$T/c" "$T/golden" 'MASTR_PORT=/dev/ttyS1;reboot'
refuse conf_shell_value "bad value for MASTR_PORT" "$T/c"
write_conf "$T/c" "$T/golden" "MASTR_PORT=ttyS1"
refuse conf_port_not_dev "MASTR_PORT must be a /dev path" "$T/c"
write_conf "$T/c" "$T/golden" "MASTR_KEY=/etc/key"
refuse conf_key_outside_run "MASTR_KEY must be keyring" "$T/c"
write_conf "$T/c" "$T/golden" "MASTR_ALLOW_SKIP=maybe"
refuse conf_skip_bad "MASTR_ALLOW_SKIP must be yes or no" "$T/c"
write_conf "$T/c" "$T/golden" "MASTR_TIMEOUT_MS=5s"
refuse conf_timeout_bad "MASTR_TIMEOUT_MS must be a number" "$T/c"
write_conf "$T/c" "$T/no-such-golden"
refuse golden_missing "golden file $T/no-such-golden is not readable" "$T/c"
write_conf "$T/c" "$T/golden"
MASTR_BOOTSTRAP=$T/none refuse bootstrap_missing "is not executable" "$T/c"

summary
