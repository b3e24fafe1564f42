# End-to-end tests with the real OpenTelemetry JavaScript SDKs (tests/e2e, see the README): node
# services and a page in headless Chromium export to `seam serve`, the driver checks the cache.
# The driver runs `npm ci` in tests/e2e when node_modules is missing or stale, and exits 77
# ("SKIPPED: <why>") when npm, the npm registry or Chromium is not there.
find_program(SEAM_NODE_EXECUTABLE NAMES node nodejs)
foreach(scenario node browser datadog faro har multi)
    if(SEAM_NODE_EXECUTABLE)
        add_test(NAME e2e_${scenario}
                 COMMAND ${SEAM_NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/run-e2e.mjs
                         --seam $<TARGET_FILE:seam> ${scenario})
    else()
        add_test(NAME e2e_${scenario}
                 COMMAND sh -c "echo 'SKIPPED: node (Node.js) is not installed'; exit 77")
    endif()
    # One npm ci at a time in tests/e2e.
    set_tests_properties(e2e_${scenario} PROPERTIES LABELS e2e TIMEOUT 150 SKIP_RETURN_CODE 77
                                                    RESOURCE_LOCK seam_e2e_node_modules)
endforeach()
