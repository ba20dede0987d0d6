provisio_fuzzer(verifyd_query
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/verifyd_query.c
	LIBS provisio_verifyd)
