seam_add_qtest(tst_store SOURCES tst_store.cpp RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_correlator SOURCES tst_correlator.cpp RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_latencyhistogram SOURCES tst_latencyhistogram.cpp LIBS seam_core)
seam_add_qtest(tst_storequeries SOURCES tst_storequeries.cpp RecordFactory.h LIBS seam_core)
