# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(sun_url
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sun_url.c
	LIBS ntag424 provisio_common)
