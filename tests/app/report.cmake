# `seam report`, `seam extract` and `seam export` through the real binary (and Chromium, poppler when
# installed): determinism, contents, extract equivalence, OTLP JSON round trip, CSV.
seam_add_qtest(tst_reportcommands SOURCES app/tst_reportcommands.cpp LIBS seam_store)
add_dependencies(tst_reportcommands seam)
set_tests_properties(tst_reportcommands PROPERTIES FIXTURES_REQUIRED demo_800-seed9) # tests/app/demofixtures.cmake
# The main window's exports (File menu, the page-load table's context menu, panes as images).
seam_add_qtest(tst_exportactions SOURCES app/tst_exportactions.cpp support/RecordFactory.h LIBS seam_gui)
