# The HAR 1.2 importer (importers/har).
seam_add_qtest(tst_harimport SOURCES tst_harimport.cpp LIBS seam_importers)
