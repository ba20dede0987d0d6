# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=sh
# The PC/SC test rig, sourced by end-to-end tests:
#
#   . "$(dirname "$0")/pcsc-rig.sh"     (first thing in the script)
#   rig_start                           private pcscd with a vpcd reader
#   rig_emulate STATEFILE [args]        ntag424 emulate in the background,
#                                       returns when the reader shows the tag
#   rig_wait_tag                        the torn tag's emulator exits by
#                                       itself ($RIG_EMU_STATUS) and leaves
#   rig_remove_tag                      the tag leaves (SIGTERM, state saved)
#   rig_reader                          prints the reader name
#   rig_stop                            stops everything (also via trap)
#
# Needs root (unshare -m, mount). Sourcing re-executes the calling script in
# a private mount namespace where a tmpfs hides the system's /run/pcscd, so
# this pcscd runs next to any other. Everything lives under $RIG_DIR
# (mktemp -d). Environment: NTAG424 (the ntag424 binary), PCSC_TOOL
# (tests/e2e/pcsc_tool). Exit status 77 means "skipped" (not root).

if [ -z "${RIG_UNSHARED:-}" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "pcsc-rig: needs root for unshare -m; skipped" >&2
		exit 77
	fi
	RIG_UNSHARED=1
	export RIG_UNSHARED
	exec unshare --mount --propagation private -- \
	    "$(readlink /proc/$$/exe)" "$0" "$@"
fi

: "${NTAG424:?set NTAG424 to the ntag424 binary}"
: "${PCSC_TOOL:?set PCSC_TOOL to tests/e2e/pcsc_tool}"
RIG_NAME="Provisio VPCD"
RIG_DIR=""
RIG_PCSCD_PID=""
RIG_EMU_PID=""
RIG_EMU_STATUS=""
RIG_EMU_EVENTS=""

rig_reader() {
	echo "$RIG_NAME 00 00"
}

rig_stop() {
	if [ -n "$RIG_EMU_PID" ]; then
		kill -TERM "$RIG_EMU_PID" 2>/dev/null
		wait "$RIG_EMU_PID" 2>/dev/null
		RIG_EMU_PID=""
	fi
	if [ -n "$RIG_PCSCD_PID" ]; then
		kill -TERM "$RIG_PCSCD_PID" 2>/dev/null
		wait "$RIG_PCSCD_PID" 2>/dev/null
		RIG_PCSCD_PID=""
	fi
	umount /run/pcscd 2>/dev/null
	if [ -n "$RIG_DIR" ] && [ -z "${RIG_KEEP:-}" ]; then
		rm -rf "$RIG_DIR"
	fi
}

rig_start() {
	RIG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pcsc-rig.XXXXXX") || return 1
	trap 'rig_stop' EXIT
	trap 'exit 130' INT TERM
	mkdir -p /run/pcscd "$RIG_DIR/reader.conf.d" || return 1
	mount -t tmpfs tmpfs /run/pcscd || return 1
	RIG_PORT=$("$PCSC_TOOL" freeport) || return 1
	cat > "$RIG_DIR/reader.conf.d/vpcd" <<-CONF
	FRIENDLYNAME "$RIG_NAME"
	DEVICENAME /dev/null:$RIG_PORT
	LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
	CHANNELID $RIG_PORT
	CONF
	pcscd -f -c "$RIG_DIR/reader.conf.d" >"$RIG_DIR/pcscd.log" 2>&1 &
	RIG_PCSCD_PID=$!
	i=0
	while ! "$PCSC_TOOL" readers 2>/dev/null | grep -qF "$(rig_reader)"; do
		i=$((i + 1))
		if [ "$i" -gt 100 ] || ! kill -0 "$RIG_PCSCD_PID" 2>/dev/null; then
			echo "pcsc-rig: pcscd did not show the reader" >&2
			cat "$RIG_DIR/pcscd.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

rig_emulate() {
	_state=$1
	shift
	RIG_EMU_EVENTS=$("$PCSC_TOOL" events "$(rig_reader)") || return 1
	"$NTAG424" emulate --state "$_state" --vpcd "$RIG_PORT" "$@" \
	    2>>"$RIG_DIR/emulate.log" &
	RIG_EMU_PID=$!
	if ! "$PCSC_TOOL" wait "$(rig_reader)" 10 "$RIG_EMU_EVENTS"; then
		echo "pcsc-rig: the tag did not appear" >&2
		cat "$RIG_DIR/emulate.log" >&2
		return 1
	fi
}

# The tag has left once pcscd's reader thread counted its arrival and its
# removal: a torn tag's reader is marked empty earlier (the client's
# SCardDisconnect fails to reset it), and a tag presented before that
# count would go unseen.
rig_gone() {
	"$PCSC_TOOL" gone "$(rig_reader)" 10 ${RIG_EMU_EVENTS:+"$RIG_EMU_EVENTS"}
}

# Wait for the emulator to exit by itself (after a tear); sets RIG_EMU_STATUS.
rig_wait_tag() {
	wait "$RIG_EMU_PID"
	RIG_EMU_STATUS=$?
	RIG_EMU_PID=""
	rig_gone
}

rig_remove_tag() {
	if [ -n "$RIG_EMU_PID" ]; then
		kill -TERM "$RIG_EMU_PID"
		wait "$RIG_EMU_PID"
		RIG_EMU_STATUS=$?
		RIG_EMU_PID=""
	fi
	rig_gone
}
