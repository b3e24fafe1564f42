# seam diff's analysis and output (models/analysis TraceDiff + CohortCompare, models/report DiffJson):
# hand-built traces and cohorts with exact answers, row-order independence, the demo's ground truth.
seam_add_qtest(tst_diff SOURCES analysis/tst_diff.cpp support/RecordFactory.h
               LIBS seam_analysis seam_report seam_demo seam_ingest)
