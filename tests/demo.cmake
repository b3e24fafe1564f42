# The demo investigation generator (importers/demo).
seam_add_qtest(tst_demogenerator SOURCES tst_demogenerator.cpp LIBS seam_importers)
