add_executable(bench_impact ${CMAKE_CURRENT_LIST_DIR}/bench_impact.cpp)
target_link_libraries(bench_impact PRIVATE seam_analysis seam_demo seam_ingest Qt6::Core)
