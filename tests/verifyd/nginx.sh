#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# nginx auth_request in front of ntag424-verifyd: the real nginx, private
# (own prefix, config, pid and logs in the temp dir, TLS on loopback with a
# self-signed certificate), protects a page with /auth. A tap through
# nginx reaches the page once; its replay and a forgery are refused.
VERIFYD=$1 FIXTURE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "SKIP nginx is not installed"; exit 77; }
NGINX_PID=""
stop_nginx() {
	[ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null &&
	    wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=""
}
trap 'stop_nginx; cleanup' EXIT

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
SC=$(fx provision "$DB" "$KEK" self-checkout "$DIR/sc.tag")
fx tap "$DIR/sc.tag" 3 >"$DIR/sc.urls"
sc() { pq "$(sed -n "${1}p" "$DIR/sc.urls")"; }
ROUTE=$(sc 1 | sed 's/?.*//')

start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn

# /auth directly: what nginx will see.
auth() {
	CODE=$(curl -s --max-time 10 -o /dev/null -D "$DIR/ah" \
	    -w '%{http_code}' -H "X-Original-URI: $1" "$BASE/auth")
}
auth "$(sc 3 | sed 's/cmac=0/cmac=1/; t; s/cmac=./cmac=0/')"
[ "$CODE" = 403 ] && grep -qi '^x-tag-verdict: bad_mac' "$DIR/ah" &&
    ok auth_forged_403 || bad "forged: $CODE $(cat "$DIR/ah")"
auth "/elsewhere?x=1"
[ "$CODE" = 403 ] && ok auth_other_path_403 || bad "other path: $CODE"
CODE=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/auth")
[ "$CODE" = 403 ] && ok auth_no_header_403 || bad "no header: $CODE"

# The private nginx.
N=$DIR/nginx
mkdir -p "$N/html" "$N/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null ||
    { echo "FAIL openssl req"; exit 1; }
echo 'the protected page' >"$N/html/protected.html"
echo 'refused' >"$N/html/refused.html"
NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$N/nginx.conf" <<CONF
daemon off;
master_process off;
pid $N/nginx.pid;
error_log $N/error.log warn;
events { worker_connections 64; }
http {
	access_log $N/access.log;
	client_body_temp_path $N/tmp/body;
	proxy_temp_path $N/tmp/proxy;
	fastcgi_temp_path $N/tmp/fastcgi;
	uwsgi_temp_path $N/tmp/uwsgi;
	scgi_temp_path $N/tmp/scgi;
	server {
		listen 127.0.0.1:$NPORT ssl;
		ssl_certificate $N/cert.pem;
		ssl_certificate_key $N/key.pem;
		root $N/html;
		location = $ROUTE {
			auth_request /auth;
			auth_request_set \$tag_uid \$upstream_http_x_tag_uid;
			auth_request_set \$tag_ctr \$upstream_http_x_tag_counter;
			add_header X-Tag-UID \$tag_uid always;
			add_header X-Tag-Counter \$tag_ctr always;
			try_files /protected.html =404;
		}
		location = /auth {
			internal;
			proxy_pass http://127.0.0.1:$PORT;
			proxy_pass_request_body off;
			proxy_set_header Content-Length "";
			proxy_set_header X-Original-URI \$request_uri;
		}
		error_page 403 500 /refused.html;
		location = /refused.html { internal; }
	}
}
CONF
"$NGINX" -p "$N" -c "$N/nginx.conf" -e "$N/error.log" &
NGINX_PID=$!
i=0
until curl -sk --max-time 2 -o /dev/null "https://127.0.0.1:$NPORT/"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
		echo "FAIL nginx did not start:"; cat "$N/error.log"; exit 1
	fi
	sleep 0.05
done

# via PATH: GET through nginx; CODE, BODY, headers in $DIR/nh.
via() {
	CODE=$(curl -sk --max-time 10 -o "$DIR/nb" -D "$DIR/nh" \
	    -w '%{http_code}' "https://127.0.0.1:$NPORT$1")
	BODY=$(cat "$DIR/nb")
}
via "$(sc 1)"
[ "$CODE" = 200 ] && [ "$BODY" = 'the protected page' ] &&
    grep -qi "^x-tag-uid: $SC" "$DIR/nh" && grep -qi '^x-tag-counter: 1' "$DIR/nh" &&
    ok nginx_tap_reaches_page || bad "tap: $CODE $BODY $(cat "$DIR/nh")"
via "$(sc 1)"
[ "$CODE" = 500 ] && [ "$BODY" = refused ] && ok nginx_replay_refused ||
    bad "replay: $CODE $BODY"
via "$(sc 3 | sed 's/cmac=0/cmac=1/; t; s/cmac=./cmac=0/')"
[ "$CODE" = 403 ] && [ "$BODY" = refused ] && ok nginx_forgery_403 ||
    bad "forgery: $CODE $BODY"
via "$(sc 2)"
[ "$CODE" = 200 ] && grep -qi '^x-tag-counter: 2' "$DIR/nh" &&
    ok nginx_next_tap_reaches_page || bad "next tap: $CODE $BODY"
# The replay was seen by verifyd as one: 409 on /auth.
auth "$(sc 2)"
[ "$CODE" = 409 ] && grep -qi '^x-tag-verdict: replay' "$DIR/ah" &&
    ! grep -qi '^x-tag-uid' "$DIR/ah" && ok auth_replay_409 ||
    bad "replay on /auth: $CODE $(cat "$DIR/ah")"
stop_nginx
finish
