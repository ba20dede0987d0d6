# SPDX-License-Identifier: BSD-2-Clause
# The MASTR host's side of a session against a fuzzed token (a thread).
find_package(Threads REQUIRED)
provisio_fuzzer(mastr_host SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/mastr_host.c
	LIBS mastr Threads::Threads)
