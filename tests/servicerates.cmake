# Per-service error rate and latency around the selected page load: data (models/ServiceRatesData) and panel.
seam_add_qtest(tst_servicerates SOURCES tst_servicerates.cpp RecordFactory.h LIBS seam_views seam_importers)
