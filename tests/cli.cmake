seam_add_qtest(tst_cli SOURCES tst_cli.cpp LIBS seam_core)
add_dependencies(tst_cli seam)
seam_add_qtest(tst_querycommand SOURCES tst_querycommand.cpp RecordFactory.h LIBS seam_core)
add_dependencies(tst_querycommand seam)
