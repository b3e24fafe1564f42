seam_add_qtest(tst_flamegraphdata SOURCES tst_flamegraphdata.cpp RecordFactory.h LIBS seam_core)
