#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Random URLs do not grow the tag directory: 12,000 URLs whose PICCData
# decrypts under the cohort key to 12,000 distinct UIDs no tag has (an
# attacker who knows the cohort key) are all unknown_tag, and the
# directory keeps at most its bound of unknown UIDs (4,096) and no tag.
VERIFYD=$1 GEN=$3
. "$(dirname "$0")/lib.sh"
N=12000

"$GEN" tags "$DB" "$KEK" 10 || { echo "FAIL vd_gen tags"; exit 1; }
start_server --db "$DB" --kek-file "$KEK" --log-level warn \
    --metrics-listen 127.0.0.1:0
"$GEN" unknown "$DB" "$KEK" $N |
    awk -v b="$BASE" '{ printf "url = \"%s%s\"\noutput = /dev/null\n", b, $0 }' \
    >"$DIR/curl.cfg"
curl -s -K "$DIR/curl.cfg" -w '%{http_code}\n' >"$DIR/codes"
[ "$(grep -c '^404$' "$DIR/codes")" -eq $N ] && ok all_unknown_404 ||
    bad "answers: $(sort "$DIR/codes" | uniq -c | tr '\n' ' ')"

metrics
m() { printf '%s\n' "$BODY" | awk -v k="$1" '$1 == k { print $2 }'; }
[ "$(m 'verifyd_requests_total{verdict="unknown_tag"}')" = $N ] && ok counted ||
    bad "unknown_tag: $(m 'verifyd_requests_total{verdict="unknown_tag"}')"
u=$(m 'verifyd_directory_entries{kind="unknown"}')
[ -n "$u" ] && [ "$u" -gt 0 ] && [ "$u" -le 4096 ] && ok "unknown_bounded ($u)" ||
    bad "unknown UIDs held: '$u' (bound 4096)"
[ "$(m 'verifyd_directory_entries{kind="tag"}')" = 0 ] && ok no_tag_entries ||
    bad "tags held: $(m 'verifyd_directory_entries{kind="tag"}')"
finish
