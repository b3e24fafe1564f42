seam_add_qtest(tst_spantree SOURCES analysis/tst_spantree.cpp LIBS seam_analysis)
# The one spelling of durations, offsets and percentages; the command line's time text.
seam_add_qtest(tst_format SOURCES analysis/tst_format.cpp LIBS seam_analysis)
# What the command line and the GUI both compute from a cache (StoreQueries formats these as JSON).
seam_add_qtest(tst_backendcauses SOURCES analysis/tst_backendcauses.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_traceservices SOURCES analysis/tst_traceservices.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_investigationstats SOURCES analysis/tst_investigationstats.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_serviceseries SOURCES analysis/tst_serviceseries.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
