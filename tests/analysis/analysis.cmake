seam_add_qtest(tst_spantree SOURCES analysis/tst_spantree.cpp LIBS seam_analysis)
# The one spelling of durations, offsets and percentages; the command line's time text.
seam_add_qtest(tst_format SOURCES analysis/tst_format.cpp LIBS seam_analysis)
