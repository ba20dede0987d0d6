# SPDX-License-Identifier: BSD-2-Clause
# R-APDUs from an untrusted tag through the whole command layer.
provisio_fuzzer(rapdu
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/rapdu.c
	LIBS ntag424 provisio_common)
target_include_directories(rapdu PRIVATE ${PROJECT_SOURCE_DIR}/src/ntag424)
