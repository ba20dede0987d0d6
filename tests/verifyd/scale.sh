#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# 5,000 provisioned tags of one template written through the keystore API
# (bench/verifyd/vd_gen: one cohort meta-read key, diversified file-read
# keys): the last tag and the first are valid, each request tried exactly
# one meta-read key, and the server read only the tags that were tapped
# (the directory holds 2 tags, not 5,000).
VERIFYD=$1 GEN=$3
. "$(dirname "$0")/lib.sh"

"$GEN" tags "$DB" "$KEK" 5000 || { echo "FAIL vd_gen tags"; exit 1; }
# One URL each of tag 4999 (the 5,000th) and tag 0.
"$GEN" urls "$DB" "$KEK" 1 1 4999 >"$DIR/last" &&
    "$GEN" urls "$DB" "$KEK" 1 1 0 >"$DIR/first" || { echo "FAIL vd_gen urls"; exit 1; }
start_server --db "$DB" --kek-file "$KEK" --log-level warn \
    --metrics-listen 127.0.0.1:0

expect tag_5000_valid 200 '"verdict":"valid","uid":"04000013875A42","counter":1,' "$(cat "$DIR/last")"
expect tag_1_valid 200 '"verdict":"valid","uid":"04000000005A42","counter":1,' "$(cat "$DIR/first")"
expect tag_5000_replay 409 '"verdict":"replay"' "$(cat "$DIR/last")"

metrics
m() { printf '%s\n' "$BODY" | awk -v k="$1" '$1 == k { print $2 }'; }
[ "$(m verifyd_meta_keys_tried_total)" = 3 ] && ok one_key_per_request ||
    bad "meta-read keys tried: $(m verifyd_meta_keys_tried_total) (want 3)"
[ "$(m 'verifyd_directory_entries{kind="tag"}')" = 2 ] && ok read_on_demand ||
    bad "directory holds $(m 'verifyd_directory_entries{kind="tag"}') tags (want 2)"
finish
