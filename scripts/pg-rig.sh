#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Start a private PostgreSQL for tests, run a command against it, stop it.
#
#   scripts/pg-rig.sh [COMMAND [ARGS...]]
#
# The server lives in a fresh temporary directory, listens only on a unix
# socket there (no TCP), and runs as the postgres user (initdb refuses
# root). Its URI is printed and exported as PROVISIO_PG_URI to COMMAND;
# the script exits with COMMAND's status. Without COMMAND it prints the URI
# and waits until interrupted. The server is stopped by its PID on exit.
# Tests run it with fsync off (nothing they check needs the disk); with
# PG_RIG_DURABLE=1 it keeps PostgreSQL's defaults, fsync and
# synchronous_commit on, as a production server runs (benchmarks).
set -eu

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "pg-rig: no PostgreSQL server found under /usr/lib/postgresql" \
	    "(install the postgresql package: scripts/install-deps)" >&2
	exit 77
fi

AS=""
if [ "$(id -u)" -eq 0 ]; then
	AS="runuser -u postgres --"
fi

DIR=$(mktemp -d /tmp/pg-rig.XXXXXX)
PID=""		# runuser (or postgres itself when not root)
PGPID=""	# the postmaster, from its pid file: runuser does not pass
		# signals on
cleanup() {
	if [ -z "$PGPID" ] && [ -s "$DIR/data/postmaster.pid" ]; then
		PGPID=$(head -n 1 "$DIR/data/postmaster.pid")
	fi
	for p in $PGPID $PID; do
		kill -INT "$p" 2>/dev/null || true
	done
	i=0
	while [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nothing listens on (TCP and the socket name both use it, though
# only the socket in DIR is opened).
free_port() {
	for _ in $(seq 1 50); do
		p=$(( (($(od -An -N2 -tu2 /dev/urandom | tr -d ' ')) % 20000) + 40000 ))
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
PORT=$(free_port)

[ -n "$AS" ] && chown postgres "$DIR"
chmod 0700 "$DIR"
$AS "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 \
    --no-sync >"$DIR/initdb.log" 2>&1 || {
	cat "$DIR/initdb.log" >&2
	exit 1
}
FSYNC="-c fsync=off"
if [ "${PG_RIG_DURABLE:-0}" = 1 ]; then
	FSYNC="-c fsync=on -c synchronous_commit=on"
fi
# shellcheck disable=SC2086
$AS "$PGBIN/postgres" -D "$DIR/data" -k "$DIR" -p "$PORT" \
    -c listen_addresses='' $FSYNC -c max_connections=20 \
    >"$DIR/server.log" 2>&1 &
PID=$!

i=0
until $AS "$PGBIN/pg_isready" -q -h "$DIR" -p "$PORT"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then
		echo "pg-rig: the server did not start:" >&2
		cat "$DIR/server.log" >&2
		exit 1
	fi
	sleep 0.1
done
PGPID=$(head -n 1 "$DIR/data/postmaster.pid")
$AS "$PGBIN/createdb" -h "$DIR" -p "$PORT" -U postgres provisio

PROVISIO_PG_URI="postgresql:///provisio?host=$DIR&port=$PORT&user=postgres"
export PROVISIO_PG_URI
echo "$PROVISIO_PG_URI"

if [ $# -eq 0 ]; then
	echo "pg-rig: running; interrupt to stop" >&2
	while kill -0 "$PID" 2>/dev/null; do
		sleep 1
	done
	exit 0
fi
set +e
"$@"
rc=$?
set -e
exit $rc
