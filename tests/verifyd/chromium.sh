#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The landing page in headless Chromium: a valid, a replayed, a truncated
# and a forged URL and a wrong path, screenshots kept in the test's temp
# dir, the visible text asserted from the rendered DOM.
VERIFYD=$1 FIXTURE=$2
command -v chromium >/dev/null || { echo "no chromium"; exit 77; }
KEEP_DIR=1
. "$(dirname "$0")/lib.sh"
# Keep only the screenshots (no keys, no keystore) after the run.
trap 'stop_server; find "$DIR" -mindepth 1 -maxdepth 1 ! -name "*.png" -exec rm -rf {} +' EXIT

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 3 >"$DIR/sc.urls"
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout

chrome() {
	timeout 30 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$DIR/chrome.XXXXXX")" "$@" 2>>"$DIR/chrome.log"
}

U1=$BASE$(pq "$(sed -n 1p "$DIR/sc.urls")")
U2=$BASE$(pq "$(sed -n 2p "$DIR/sc.urls")")
# Each load is a tap: the first tap's page is shot, the second tap's DOM
# is read twice (genuine, then already used), then shot as a replay.
chrome --screenshot="$DIR/valid.png" --window-size=390,844 "$U1" >/dev/null
chrome --dump-dom "$U2" >"$DIR/first.html"
chrome --dump-dom "$U2" >"$DIR/second.html"
chrome --screenshot="$DIR/replay.png" --window-size=390,844 "$U2" >/dev/null
# Cut short (the last 5 characters lost), forged, and a path of no route.
U3=$BASE$(pq "$(sed -n 3p "$DIR/sc.urls")")
CUT=$(printf '%s' "$U3" | sed 's/.....$//')
FORGED=$(printf '%s' "$U3" | sed 's/cmac=0/cmac=1/; t; s/cmac=./cmac=0/')
chrome --dump-dom "$CUT" >"$DIR/cut.html"
chrome --screenshot="$DIR/damaged.png" --window-size=390,844 "$CUT" >/dev/null
chrome --dump-dom "$FORGED" >"$DIR/forged.html"
chrome --dump-dom "$BASE/no/such/page" >"$DIR/wrong.html"
chrome --screenshot="$DIR/notfound.png" --window-size=390,844 "$BASE/no/such/page" >/dev/null

grep -q '<h1 id="verdict">Genuine</h1>' "$DIR/first.html" && ok chromium_genuine ||
    bad "chromium_genuine: $(cat "$DIR/first.html")"
grep -q '<h1 id="verdict">Already used</h1>' "$DIR/second.html" &&
    ok chromium_already_used || bad "chromium_already_used"
grep -q '<h1 id="verdict">This link is damaged</h1>' "$DIR/cut.html" &&
    grep -q 'Tap the tag again' "$DIR/cut.html" &&
    ! grep -qiE 'cmac|hex|digits|malformed|field' "$DIR/cut.html" &&
    ok chromium_damaged_says_damaged_only || bad "chromium_damaged: $(cat "$DIR/cut.html")"
grep -q '<h1 id="verdict">Not genuine</h1>' "$DIR/forged.html" &&
    ! grep -qiE 'mac|bad_mac|key' "$DIR/forged.html" &&
    ok chromium_forged_not_genuine || bad "chromium_forged: $(cat "$DIR/forged.html")"
grep -q '<h1 id="verdict">Page not found</h1>' "$DIR/wrong.html" &&
    ! grep -q 'no such route' "$DIR/wrong.html" &&
    ok chromium_wrong_path_page || bad "chromium_wrong_path: $(cat "$DIR/wrong.html")"
for f in valid replay damaged notfound; do
	[ -s "$DIR/$f.png" ] && [ "$(head -c 4 "$DIR/$f.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] &&
	    ok "screenshot $DIR/$f.png" || bad "screenshot $f: $(tail -3 "$DIR/chrome.log")"
done
echo "screenshots: $DIR/valid.png $DIR/replay.png $DIR/damaged.png $DIR/notfound.png"
finish
