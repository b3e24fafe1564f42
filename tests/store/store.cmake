# models/store: schema, writer round trips, latency sketches.
seam_add_qtest(tst_store SOURCES store/tst_store.cpp support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_latencyhistogram SOURCES store/tst_latencyhistogram.cpp LIBS seam_core)
seam_add_qtest(tst_qttext SOURCES store/tst_qttext.cpp LIBS seam_store)
