# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(emu_capdu SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/emu_capdu.c
	LIBS ntag424_emu provisio_common)
