#!/bin/sh
# End to end through the real PC/SC stack: a private pcscd (own mount
# namespace, tmpfs on /run/pcscd) with a vpcd reader, a canned tag
# (fake_card.py) and the ntag424 binary: list-readers and info, both
# outputs checked. Needs root for the namespace; skips (77) otherwise.
#   e2e_info.sh NTAG424_BINARY
set -eu
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	echo "skip: needs root and unshare for a private pcscd"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# vpcd takes PORT and PORT+1: find two free neighbours.
port=$(python3 - <<'PY'
import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
)
mkdir -p "$tmp/conf"
cat > "$tmp/conf/vpcd" <<CONF
FRIENDLYNAME "Provisio Test"
DEVICENAME /dev/null:$port
LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID 0
CONF
export bin here tmp port
unshare -m sh -eu <<'INNER'
mount -t tmpfs tmpfs /run/pcscd
pcscd -f -c "$tmp/conf" >"$tmp/pcscd.log" 2>&1 &
pcscd_pid=$!
python3 "$here/fake_card.py" "$port" &
card_pid=$!
stop() { kill "$card_pid" 2>/dev/null || true; kill "$pcscd_pid" 2>/dev/null || true; }
trap stop EXIT
ok=0
for i in $(seq 1 50); do
	if "$bin" list-readers --json >"$tmp/readers.json" 2>/dev/null &&
	    grep -q "Provisio Test" "$tmp/readers.json"; then
		ok=1
		break
	fi
	sleep 0.2
done
[ $ok -eq 1 ] || { echo "FAIL: reader did not appear"; cat "$tmp/pcscd.log"; exit 1; }
"$bin" list-readers
"$bin" ntag424-unknown 2>/dev/null && exit 1
reader=$("$bin" list-readers | head -1)
ok=0
for i in $(seq 1 50); do
	if "$bin" info --reader "$reader" --json >"$tmp/info.json" 2>"$tmp/info.err"; then
		ok=1
		break
	fi
	sleep 0.2
done
[ $ok -eq 1 ] || { echo "FAIL: info"; cat "$tmp/info.err"; exit 1; }
cat "$tmp/info.json"
python3 - "$tmp/info.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["uid"] == "04518DFAA96180", d["uid"]
assert d["hardware"]["subtype"] == 8
assert d["key_versions"] == [0, 0, 0, 0, 0]
assert [f["access"]["read"] for f in d["files"]] == [14, 14, 2]
assert d["files"][2]["comm_mode"] == "Full"
assert d["originality"]["verdict"] == "genuine"
print("info json ok")
PY
"$bin" info >"$tmp/info.txt"
cat "$tmp/info.txt"
grep -q "originality:  genuine" "$tmp/info.txt"
grep -q "UID:          04518DFAA96180" "$tmp/info.txt"
"$bin" info --reader "No Such Reader" 2>"$tmp/err.txt" && exit 1
grep -q "what to do" "$tmp/err.txt"
echo "e2e ok"
INNER
