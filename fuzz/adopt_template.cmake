# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(adopt_template
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/adopt_template.c
	LIBS ntag424 provisio_common)
target_include_directories(adopt_template PRIVATE ${PROJECT_SOURCE_DIR}/src)
