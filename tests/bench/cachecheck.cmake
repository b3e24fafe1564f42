add_executable(bench_cachecheck ${CMAKE_CURRENT_LIST_DIR}/bench_cachecheck.cpp)
target_link_libraries(bench_cachecheck PRIVATE seam_core)
