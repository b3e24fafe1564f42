# Cohort root cause and verdict (models/analysis/RootCause): a synthetic planted cause and the demo's
# ground truth.
seam_add_qtest(tst_rootcause SOURCES analysis/tst_rootcause.cpp support/RecordFactory.h
               LIBS seam_analysis seam_demo seam_ingest)
