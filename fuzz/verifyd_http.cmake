# SPDX-License-Identifier: BSD-2-Clause
# Whole HTTP requests through ntag424-verifyd's libmicrohttpd daemon.
provisio_fuzzer(verifyd_http
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/verifyd_http.c
	${CMAKE_CURRENT_SOURCE_DIR}/vd_keystore.c
	LIBS provisio_verifyd)
target_compile_definitions(verifyd_http PRIVATE _GNU_SOURCE)
