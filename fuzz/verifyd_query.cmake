# SPDX-License-Identifier: BSD-2-Clause
provisio_fuzzer(verifyd_query
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/verifyd_query.c
	${CMAKE_CURRENT_SOURCE_DIR}/vd_keystore.c
	LIBS provisio_verifyd)
