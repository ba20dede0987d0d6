# SPDX-License-Identifier: BSD-2-Clause
# Keystore backup import: whole files, and record streams sealed by the
# harness so that every input reaches the parser after decryption.
provisio_fuzzer(ks_backup SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ks_backup.c
	LIBS provisio_keystore PkgConfig::CRYPTO)
