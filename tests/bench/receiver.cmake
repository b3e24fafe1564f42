add_executable(bench_receiver ${CMAKE_CURRENT_LIST_DIR}/bench_receiver.cpp)
target_link_libraries(bench_receiver PRIVATE seam_live seam_importers seam_core)
