#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# C-APDUs and bytes of provision, check and reset per preset (bench/run).
# Usage: bench/provision/run.sh BUILD_DIR
set -eu
B=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
exec "$B/bench/provision/provision_bench"
