# bench_pull: `seam pull` from a real ClickHouse engine (chdb behind the test front) for windows of
# growing width over one store, beside importing the same telemetry from files. Needs node and the
# chdb package that tst_clickhousepull installs into the build tree (it installs it when missing).
add_executable(bench_pull ${CMAKE_CURRENT_LIST_DIR}/bench_pull.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/ExporterRows.cpp)
target_include_directories(bench_pull PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../support)
target_link_libraries(bench_pull PRIVATE seam_remote_clickhouse seam_importers Qt6::Core)
target_compile_definitions(bench_pull PRIVATE
    SEAM_CLICKHOUSE_FRONT_DIR="${CMAKE_CURRENT_LIST_DIR}/../importers/remote/clickhouse"
    SEAM_REMOTE_NODE_DIR="${CMAKE_SOURCE_DIR}/build/remote-node/clickhouse")
