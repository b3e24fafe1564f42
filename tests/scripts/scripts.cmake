# Developer scripts under scripts/ (what of them runs without building their targets).
seam_add_qtest(tst_runfuzzscript SOURCES scripts/tst_runfuzzscript.cpp)
