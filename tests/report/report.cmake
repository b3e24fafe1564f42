# models/report: the command line's JSON and folded output.
seam_add_qtest(tst_storequeries SOURCES report/tst_storequeries.cpp support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_querystream SOURCES report/tst_querystream.cpp support/RecordFactory.h LIBS seam_core)
# The incident report's pieces: CSV quoting, escaping, locale-free numbers, SVG scenes, an empty report.
seam_add_qtest(tst_incidentreport SOURCES report/tst_incidentreport.cpp LIBS seam_report)
# Any table as CSV: header, display or raw values, a tree's rows depth first, lazy models fetched.
seam_add_qtest(tst_itemmodelcsv SOURCES report/tst_itemmodelcsv.cpp LIBS seam_report Qt6::Gui)
