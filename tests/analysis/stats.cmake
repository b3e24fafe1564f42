# Statistics for the cause ranking (models/analysis/Stats).
seam_add_qtest(tst_stats SOURCES analysis/tst_stats.cpp LIBS seam_analysis)
