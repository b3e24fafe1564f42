add_executable(bench_clicktoviews ${CMAKE_CURRENT_LIST_DIR}/bench_clicktoviews.cpp)
target_link_libraries(bench_clicktoviews PRIVATE seam_views seam_importers seam_core Qt6::Widgets)
