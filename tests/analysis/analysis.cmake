seam_add_qtest(tst_spantree SOURCES analysis/tst_spantree.cpp LIBS seam_analysis)
