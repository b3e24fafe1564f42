# Seam's OTLP JSON export read back by an independent consumer: protobufjs (npm, tests/otlpjson) over
# the official opentelemetry-proto definitions, compared with `seam trace --json`. The script runs
# `npm ci` in tests/otlpjson on first use and exits 77 ("SKIPPED: <why>") when node, npm or the npm
# registry is not there.
find_program(SEAM_NODE_EXECUTABLE NAMES node nodejs)
if(SEAM_NODE_EXECUTABLE)
    add_test(NAME otlp_json_consumer
             COMMAND ${SEAM_NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/otlpjson/check-otlp-json.mjs
                     --seam $<TARGET_FILE:seam> --proto-dir ${PROJECT_SOURCE_DIR}/importers/otlp/proto)
else()
    add_test(NAME otlp_json_consumer COMMAND sh -c "echo 'SKIPPED: node (Node.js) is not installed'; exit 77")
endif()
set_tests_properties(otlp_json_consumer PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77
                                                   RESOURCE_LOCK seam_otlpjson_node_modules)
