#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The boot gate proven in a virtual machine: Debian's kernel under QEMU
# (TCG), an initramfs from the real mkinitramfs with the hook, swtpm as the
# guest's TPM (tpm-tis), the software token on the guest's second serial
# port. Every outcome is read from the guest's console (first serial port).
# Usage: qemu.sh BIN_DIR BUILD_DIR
. "$(dirname "$0")/initramfs-lib.sh"
need qemu-system-x86_64
KERNEL=/boot/vmlinuz-$KVER
if [ ! -r "$KERNEL" ]; then
	echo "SKIP: $KERNEL is not readable"
	exit 77
fi

# Provision the host's TPM and the token (as on the running system).
start_swtpm "$T/tpm"
echo "kernel v1" > "$T/golden"
mkdir -p "$T/tok"
pair "$T/tpm" "$T/tok" "$T/golden"
# stop_all: stop swtpm's provisioning server (the guest gets its own).
stop_all() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
	done
	PIDS=""
	rm -f "$T/tpm/tpm.sock" "$T/tpm/tpm.sock.ctrl"
	unset MASTR_TCTI
}
stop_all

write_conf "$T/mastr.conf" "$T/golden"
build_image "$T/mastr.conf" "$T/gate.img" || { cat "$T/mk.err"; exit 1; }

# guest NAME SERIAL2 [APPEND]: boot once; the console in $T/NAME.console.
# Ends when the guest powers off (after the gate it finds no root file
# system and reboots, which -no-reboot turns into an exit) or when the gate
# has printed its stop message (the guest then waits for ever). The loop
# bound is a guard against hangs only.
guest() {
	name=$1 serial2=$2 img=${4:-$T/gate.img}
	con=$T/$name.console
	: > "$con"
	swtpm socket --tpm2 --ctrl "type=unixio,path=$T/tpm/qemu.ctrl" \
	    --tpmstate "dir=$T/tpm" --log "file=$T/tpm/qemu.log" &
	SWPID=$!
	i=0
	while [ ! -S "$T/tpm/qemu.ctrl" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05
	done
	t0=$(date +%s%N)
	qemu-system-x86_64 -machine q35 -m 256 -accel tcg -nographic \
	    -no-reboot -monitor none -kernel "$KERNEL" -initrd "$img" \
	    -append "console=ttyS0 panic=-1 loglevel=3 ${3:-}" \
	    -chardev "socket,id=tpm,path=$T/tpm/qemu.ctrl" \
	    -tpmdev emulator,id=tpm0,chardev=tpm -device tpm-tis,tpmdev=tpm0 \
	    -serial "file:$con" -serial "$serial2" > "$T/qemu.out" 2>&1 &
	QPID=$!
	i=0 tgate=
	while kill -0 "$QPID" 2>/dev/null; do
		[ -n "$tgate" ] || ! grep -q "MASTR: gate passed" "$con" ||
		    tgate=$(( ($(date +%s%N) - t0) / 1000000 ))
		grep -q "MASTR: this machine does not boot" "$con" && break
		i=$((i + 1))
		[ $i -lt 3000 ] || { echo "guard: $name hung"; break; }
		sleep 0.2
	done
	kill "$QPID" 2>/dev/null || true
	wait "$QPID" 2>/dev/null || true
	kill "$SWPID" 2>/dev/null || true
	wait "$SWPID" 2>/dev/null || true
	rm -f "$T/tpm/qemu.ctrl"
	# A figure for the report, not an assertion (0.2 s resolution).
	[ -z "$tgate" ] || echo "$name: QEMU start to gate passed: $tgate ms (TCG)"
	sed 's/\r$//' "$con" | grep -E "MASTR|mastr-bootstrap" | sed "s/^/  $name| /"
}

# seen NAME TEXT: the guest's console of boot NAME shows TEXT.
seen() { tr -d '\r' < "$T/$1.console" | grep -qF -- "$2"; }

start_token "$T/tok" $FAST
guest boot_ok "$PTY"
stop_token
check boot_ok_bootstrap seen boot_ok "mastr-bootstrap: BOOT_OK"
check boot_ok_gate_passed seen boot_ok "MASTR: gate passed"
check boot_ok_goes_on seen boot_ok "No root device specified"
check boot_ok_not_stopped sh -c "! grep -q 'BOOT STOPPED' '$T/boot_ok.console'"

# The token is not there: the serial line stays silent.
guest token_absent null
check absent_timeout seen token_absent "did not answer in time"
check absent_stopped seen token_absent "MASTR: BOOT STOPPED"
check absent_no_root_mount sh -c \
    "! grep -q 'No root device' '$T/token_absent.console'"

# The owner's escape is refused by an image built without MASTR_ALLOW_SKIP.
guest skip_forbidden null mastr=skip
check skip_refused seen skip_forbidden "mastr=skip refused: this image forbids it"
check skip_refused_stopped seen skip_forbidden "MASTR: BOOT STOPPED"

# An image built with MASTR_ALLOW_SKIP=yes honours it, loudly, without a key.
write_conf "$T/skip.conf" "$T/golden" "MASTR_ALLOW_SKIP=yes"
build_image "$T/skip.conf" "$T/skip.img" || { cat "$T/mk.err"; exit 1; }
guest skip_allowed null mastr=skip "$T/skip.img"
check skip_warns seen skip_allowed "MASTR: WARNING: gate skipped by mastr=skip"
check skip_goes_on seen skip_allowed "No root device specified"

# The golden file changed (a new image with it): the token refuses.
echo "kernel v2 (tampered)" > "$T/golden"
build_image "$T/mastr.conf" "$T/tampered.img" || { cat "$T/mk.err"; exit 1; }
start_token "$T/tok" $FAST
guest golden_changed "$PTY" "" "$T/tampered.img"
stop_token
check golden_refused seen golden_changed "refused the host's integrity"
check golden_stopped seen golden_changed "MASTR: BOOT STOPPED"
check golden_no_root_mount sh -c \
    "! grep -q 'No root device' '$T/golden_changed.console'"

# The TPM's host key is replaced: the token no longer knows this host.
start_swtpm "$T/tpm"
"$BIN/mastr-provision" --regenerate > /dev/null 2>&1
stop_all

rm -rf "$T/tok2"
cp -r "$T/tok" "$T/tok2"
rm -f "$T/tok2/log"
start_token "$T/tok2" $FAST
guest key_replaced "$PTY"
stop_token
check key_replaced_refused seen key_replaced \
    "ECDH handshake: the token refused the host's integrity"
check key_replaced_stopped seen key_replaced "MASTR: BOOT STOPPED"
check key_replaced_no_root_mount sh -c \
    "! grep -q 'No root device' '$T/key_replaced.console'"

summary
