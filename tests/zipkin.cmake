# The Zipkin v2 JSON importer (importers/zipkin).
seam_add_qtest(tst_zipkinimport SOURCES tst_zipkinimport.cpp SpanImportTestUtil.h LIBS seam_importers)
