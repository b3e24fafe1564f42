seam_add_qtest(tst_investigation SOURCES tst_investigation.cpp LIBS seam_core)
seam_add_qtest(tst_mainviews SOURCES tst_mainviews.cpp RecordFactory.h LIBS seam_views)
