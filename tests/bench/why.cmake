add_executable(bench_why ${CMAKE_CURRENT_LIST_DIR}/bench_why.cpp)
target_link_libraries(bench_why PRIVATE seam_models seam_analysis seam_demo seam_ingest Qt6::Core)
