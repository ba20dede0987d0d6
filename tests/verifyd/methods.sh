#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Only a GET verifies (RFC 9110 9.2.1: HEAD is safe). A HEAD of a fresh URL,
# a link-preview fetcher's GET (User-Agent in preview-agents) and a POST
# consume nothing: the GET that follows is valid. A POST announcing a 100 MB
# body with "Expect: 100-continue" gets 405 at once, without "100 Continue"
# and without its body being read; a GET announcing a body gets 413.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 12 >"$DIR/sc.urls"
url() { sed -n "${1}p" "$DIR/sc.urls"; }
sc() { pq "$(url "$1")"; }
valid() { printf '"verdict":"valid","uid":"%s","counter":%s,' "$SC" "$1"; }

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn

# HEAD: the neutral page's headers, no body, nothing consumed.
code=$(curl -s -I --max-time 10 -o "$DIR/h" -w '%{http_code}' "$BASE$(sc 1)")
[ "$code" = 200 ] && grep -qi '^content-type: text/html' "$DIR/h" &&
    grep -qi '^cache-control: no-store' "$DIR/h" && ok head_200 ||
    bad "head: HTTP $code $(cat "$DIR/h")"
expect get_after_head_valid 200 "$(valid 1)" "$(sc 1)"
code=$(curl -s -I --max-time 10 -o /dev/null -w '%{http_code}' "$BASE$(sc 1)")
[ "$code" = 200 ] && ok head_of_used_url_200 || bad "head used: $code"

# HEAD of /api/verify: nothing consumed either.
ENC=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$(url 2)")
code=$(curl -s -I --max-time 10 -o "$DIR/h" -w '%{http_code}' \
    "$BASE/api/verify?url=$ENC")
[ "$code" = 200 ] && grep -qi '^content-type: application/json' "$DIR/h" &&
    ok head_api_200 || bad "head api: HTTP $code"
expect api_get_after_head_valid 200 "$(valid 2)" "/api/verify?url=$ENC"

# Link previews (the default list): the page, then JSON; nothing consumed.
for ua in 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' \
    'WhatsApp/2.23.20.0 A' 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)' \
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' \
    'TelegramBot (like TwitterBot)'; do
	code=$(curl -s --max-time 10 -A "$ua" -o "$DIR/p" -w '%{http_code}' \
	    "$BASE$(sc 3)")
	[ "$code" = 200 ] && grep -q '>Tap to check<' "$DIR/p" &&
	    ! grep -q 'Genuine' "$DIR/p" && ok "preview_neutral ($ua)" ||
	    bad "preview ($ua): HTTP $code $(cat "$DIR/p")"
done
expect preview_json 200 '{"checked":false,"reason":"link previews are not checked' \
    "$(sc 3)" -A 'Twitterbot/1.0'
expect get_after_previews_valid 200 "$(valid 3)" "$(sc 3)"
# A browser is not a preview.
expect browser_verifies 200 "$(valid 4)" "$(sc 4)" \
    -A 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1'

# Other methods: 405 with Allow, nothing consumed.
for m in POST PUT DELETE PATCH OPTIONS; do
	code=$(curl -s -X "$m" --max-time 10 -D "$DIR/h" -o /dev/null \
	    -w '%{http_code}' "$BASE$(sc 5)")
	[ "$code" = 405 ] && grep -qi '^allow: GET, HEAD' "$DIR/h" &&
	    ok "method_${m}_405" || bad "$m: HTTP $code $(cat "$DIR/h")"
done
expect get_after_methods_valid 200 "$(valid 5)" "$(sc 5)"

# raw REQUEST: send the request head only, print the first response line
# and whether the server then closed without waiting for the body.
raw() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(sys.argv[2].replace("|", "\r\n").encode())
data = b""
while True:
    try:
        d = s.recv(65536)
    except socket.timeout:
        print("TIMEOUT", data[:80]); sys.exit(0)
    if not d:
        break
    data += d
first = data.split(b"\r\n", 1)[0].decode()
print(first + ("; closed" if b"100 Continue" not in data else "; saw 100 Continue"))
PY
}
P5=$(sc 6)
line=$(raw "POST $P5 HTTP/1.1|Host: x|Content-Length: 104857600|Expect: 100-continue||")
[ "$line" = "HTTP/1.1 405 Method Not Allowed; closed" ] && ok post_expect_refused_at_once ||
    bad "post expect: $line"
line=$(raw "POST $P5 HTTP/1.1|Host: x|Content-Length: 104857600||")
[ "$line" = "HTTP/1.1 405 Method Not Allowed; closed" ] && ok post_big_body_refused ||
    bad "post big: $line"
line=$(raw "GET $P5 HTTP/1.1|Host: x|Content-Length: 104857600|Expect: 100-continue||")
[ "$line" = "HTTP/1.1 413 Payload Too Large; closed" ] ||
    [ "$line" = "HTTP/1.1 413 Content Too Large; closed" ] &&
    ok get_with_body_413 || bad "get body: $line"
expect get_after_bodies_valid 200 "$(valid 6)" "$(sc 6)"
stop_server

# The list is configurable: emptied, a preview user agent verifies...
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn --preview-agents ''
expect empty_list_preview_verifies 200 "$(valid 7)" "$(sc 7)" -A 'WhatsApp/2.23'
stop_server
# ...and replaced, from the configuration file (preview_agents or
# preview-agents).
printf 'preview_agents = ShopScanner, Foo Bar\n' >"$DIR/conf"
start_server --config "$DIR/conf" --db "$DB" --kek-file "$KEK" \
    --cohort self-checkout --log-level warn
expect own_list_neutral 200 '"checked":false' "$(sc 8)" -A 'x ShopScanner/3'
expect own_list_blank_inside 200 '"checked":false' "$(sc 8)" -A 'foo bar 1.0'
expect own_list_default_gone 200 "$(valid 8)" "$(sc 8)" -A 'WhatsApp/2.23'
finish
