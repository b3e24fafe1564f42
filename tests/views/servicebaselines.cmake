seam_add_qtest(tst_servicebaselines SOURCES views/tst_servicebaselines.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
