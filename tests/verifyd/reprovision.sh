#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Issue 5 through ntag424-verifyd: a self-checkout tag (diversified keys)
# provisioned by the real engine, tapped, reset and provisioned again while
# the server runs. Its SDM read counter restarts, but its keys are new
# (key version 02 in the diversification input), so URLs tapped in the
# first provisioning and never submitted fail their MAC, even with a
# counter above the new one, and the new provisioning is not locked out.
VERIFYD=$1 FIXTURE=$2
. "$(dirname "$0")/lib.sh"

fx() { "$FIXTURE" "$@" || { echo "FAIL fixture $*"; exit 1; }; }
g1() { pq "$(sed -n "${1}p" "$DIR/g1.urls")"; }

# The engine's check reads the NDEF once: the taps are counters 2, 3, 4.
TAG=$(fx engine "$DB" "$KEK" self-checkout "$DIR/sc.tag" provision)
fx tap "$DIR/sc.tag" 3 >"$DIR/g1.urls"
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn

expect gen1_tap 200 "\"uid\":\"$TAG\",\"counter\":2,\"generation\":1" "$(g1 1)"

fx engine "$DB" "$KEK" self-checkout "$DIR/sc.tag" reset
fx engine "$DB" "$KEK" self-checkout "$DIR/sc.tag" provision >/dev/null
fx tap "$DIR/sc.tag" 1 >"$DIR/g2.urls"

# The server still holds generation 1's key: the store says the generation
# moved on, the server reads the tag again, and the MAC fails.
expect gen1_unused_after_reprovision 403 '"verdict":"bad_mac"' "$(g1 2)"
expect gen2_first_tap 200 "\"uid\":\"$TAG\",\"counter\":2,\"generation\":2" \
    "$(pq "$(cat "$DIR/g2.urls")")"
# Counter 4 is above generation 2's 2: only the new keys keep it out.
expect gen1_counter_above_gen2 403 '"verdict":"bad_mac"' "$(g1 3)"
expect gen2_replay 409 '"verdict":"replay"' "$(pq "$(cat "$DIR/g2.urls")")"

# A server started after the re-provisioning agrees.
stop_server
start_server --db "$DB" --kek-file "$KEK" --cohort self-checkout \
    --log-level warn
expect gen1_fresh_server 403 '"verdict":"bad_mac"' "$(g1 3)"
finish
