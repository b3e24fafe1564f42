seam_add_qtest(tst_pageloadfilter SOURCES tst_pageloadfilter.cpp RecordFactory.h LIBS seam_core)
