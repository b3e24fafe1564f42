# bench_pull: a ClickHouse store 20x the window (20 copies of the demo in a real engine: chdb behind the
# test front) against windows of 1/40, 1/20 and 1/10 of it: pull, the same window imported from files,
# and the day's RED chart and "Why?" counts pushed down; then the same window from a store of 2 copies.
# Needs node and npm: chdb is installed into the build tree as the remote tests do (exit 77 without).
add_executable(bench_pull ${CMAKE_CURRENT_LIST_DIR}/bench_pull.cpp ${CMAKE_CURRENT_LIST_DIR}/PullBenchStore.cpp
                          ${CMAKE_CURRENT_LIST_DIR}/../support/ClickHouseEngine.cpp
                          ${CMAKE_CURRENT_LIST_DIR}/../support/ExporterRows.cpp)
target_include_directories(bench_pull PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../support)
target_link_libraries(bench_pull PRIVATE seam_remote_clickhouse seam_importers seam_analysis seam_testpaths Qt6::Core)
