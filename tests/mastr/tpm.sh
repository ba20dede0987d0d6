#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs test_mastr_tpm against a private bare swtpm, then checks that it left
# no transient object loaded. Usage: tpm.sh BIN_DIR TEST_PROGRAM
. "$(dirname "$0")/lib.sh"
start_swtpm "$T/tpm"
check unit_tests "$2" "$MASTR_TCTI"
check no_transient_objects_left test -z "$(tpm2_getcap handles-transient -T "$MASTR_TCTI")"
summary
