# SPDX-License-Identifier: BSD-2-Clause
# ntag424-verifyd's configuration file parser.
provisio_fuzzer(vd_config SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/vd_config.c
	LIBS provisio_verifyd)
