seam_add_qtest(tst_pageloadsortkeys SOURCES store/tst_pageloadsortkeys.cpp support/SchemaV1.h LIBS seam_core)
