seam_add_qtest(tst_pageloadsortkeys SOURCES store/tst_pageloadsortkeys.cpp support/SchemaV1.h LIBS seam_core)
# v9: the writer writes a new page load's sort keys with its insert; the report's trigger fills only what
# other writers leave out.
seam_add_qtest(tst_sortkeysbywriter SOURCES store/tst_sortkeysbywriter.cpp support/SchemaV1.h support/RecordFactory.h LIBS seam_core)
