# The Jaeger JSON importer (importers/jaeger).
seam_add_qtest(tst_jaegerimport SOURCES tst_jaegerimport.cpp SpanImportTestUtil.h LIBS seam_importers)
