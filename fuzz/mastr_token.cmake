# SPDX-License-Identifier: BSD-2-Clause
# The software MASTR token's state machine, driven turn by turn by a host
# that mixes genuine protocol steps with fuzzed frames.
provisio_fuzzer(mastr_token SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/mastr_token.c
	LIBS mastr)
