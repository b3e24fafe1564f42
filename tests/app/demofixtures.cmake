# `seam demo` investigations that more than one test reads, written once per ctest run (CTest fixtures
# demo_<name>) and copied by each test (tests/support/DemoFixture.h): a demo of 600 or 800 sessions takes
# seconds in the dev build and most of a minute under ASan. A test run by hand without ctest generates
# its own, as before. The tests name the fixture they need beside their seam_add_qtest.
foreach(fixture "800-seed9;800;9" "600;600;" "60-seed3;60;3")
    list(GET fixture 0 name)
    list(GET fixture 1 sessions)
    list(GET fixture 2 seed)
    set(seed_arg)
    if(NOT seed STREQUAL "")
        set(seed_arg -DSEED=${seed})
    endif()
    add_test(NAME demo_cache_${name}
             COMMAND ${CMAKE_COMMAND} -DSEAM=$<TARGET_FILE:seam> -DDB=${CMAKE_CURRENT_BINARY_DIR}/demo-fixtures/${name}.seam
                     -DSESSIONS=${sessions} ${seed_arg} -P ${CMAKE_CURRENT_SOURCE_DIR}/support/WriteDemoCache.cmake)
    set_tests_properties(demo_cache_${name} PROPERTIES FIXTURES_SETUP demo_${name})
endforeach()
