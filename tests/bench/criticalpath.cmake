add_executable(bench_criticalpath ${CMAKE_CURRENT_LIST_DIR}/bench_criticalpath.cpp)
target_link_libraries(bench_criticalpath PRIVATE seam_analysis Qt6::Core)
