# models/report: the command line's JSON and folded output.
seam_add_qtest(tst_storequeries SOURCES report/tst_storequeries.cpp support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_querystream SOURCES report/tst_querystream.cpp support/RecordFactory.h LIBS seam_core)
# The incident report's pieces: CSV quoting, escaping, locale-free numbers, SVG scenes, an empty report.
seam_add_qtest(tst_incidentreport SOURCES report/tst_incidentreport.cpp LIBS seam_report)
