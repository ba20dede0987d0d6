# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(import_text
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/import_text.c
	LIBS provisio_keystore provisio_common)
