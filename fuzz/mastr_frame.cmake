# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(mastr_frame SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/mastr_frame.c
	LIBS mastr)
