# The end-to-end critical path of a page load (models/analysis/CriticalPath).
seam_add_qtest(tst_criticalpath SOURCES analysis/tst_criticalpath.cpp LIBS seam_analysis)
