# `seam diff` through the real binary, on a small demo investigation.
seam_add_qtest(tst_diffcommand SOURCES app/tst_diffcommand.cpp)
add_dependencies(tst_diffcommand seam)
set_tests_properties(tst_diffcommand PROPERTIES FIXTURES_REQUIRED demo_600) # tests/app/demofixtures.cmake
