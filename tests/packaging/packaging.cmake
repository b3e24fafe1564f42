# Scripts under packaging/ (what of them runs without building their targets).
seam_add_qtest(tst_runfuzzscript SOURCES packaging/tst_runfuzzscript.cpp)
