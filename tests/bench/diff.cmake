add_executable(bench_diff ${CMAKE_CURRENT_LIST_DIR}/bench_diff.cpp)
target_link_libraries(bench_diff PRIVATE seam_analysis seam_demo seam_ingest Qt6::Core)
