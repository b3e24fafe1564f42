# The Datadog RUM (importers/datadog) and Grafana Faro (importers/faro) importers.
seam_add_qtest(tst_datadogimport SOURCES tst_datadogimport.cpp RumImportTestUtil.h LIBS seam_importers)
seam_add_qtest(tst_faroimport SOURCES tst_faroimport.cpp RumImportTestUtil.h LIBS seam_importers)
