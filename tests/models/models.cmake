# models/: the Investigation focus object, view data and item models, the filter language.
seam_add_qtest(tst_investigation SOURCES models/tst_investigation.cpp LIBS seam_core)
seam_add_qtest(tst_pageloadfilter SOURCES models/tst_pageloadfilter.cpp support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_pageloadfilterparse SOURCES models/tst_pageloadfilterparse.cpp LIBS seam_core)
seam_add_qtest(tst_pageloadtablemodel SOURCES models/tst_pageloadtablemodel.cpp LIBS seam_core)
seam_add_qtest(tst_flamegraphdata SOURCES models/tst_flamegraphdata.cpp support/RecordFactory.h LIBS seam_core)
# The one background-loader template every view's loader is (models/BackgroundLoader*): latest
# request wins, superseded work is interrupted, failures and shutdown.
seam_add_qtest(tst_backgroundloader SOURCES models/tst_backgroundloader.cpp LIBS seam_core)
seam_add_qtest(tst_investigationstate SOURCES models/tst_investigationstate.cpp LIBS seam_core)
seam_add_qtest(tst_notesmodel SOURCES models/tst_notesmodel.cpp LIBS seam_core)
# The "Why?" pane's data on the demo ground truth (models/WhyData, WhyLoader, WhyCauseTerm,
# analysis/LoadVerdict).
seam_add_qtest(tst_whydata SOURCES models/tst_whydata.cpp support/DemoCache.h LIBS seam_core seam_demo)
