# `seam critical-path` and `seam why` through the real binary, on a small demo investigation.
seam_add_qtest(tst_whycommands SOURCES app/tst_whycommands.cpp)
add_dependencies(tst_whycommands seam)
set_tests_properties(tst_whycommands PROPERTIES FIXTURES_REQUIRED demo_600) # tests/app/demofixtures.cmake
