# bench_import's schema floor: the copy holds the cache's rows, tables and indexes, and no triggers.
seam_add_qtest(tst_schemafloor SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_schemafloor.cpp LIBS seam_bench_schemafloor)
