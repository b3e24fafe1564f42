add_executable(bench_flamegraph ${CMAKE_CURRENT_LIST_DIR}/bench_flamegraph.cpp)
target_link_libraries(bench_flamegraph PRIVATE seam_views seam_core Qt6::Widgets)
