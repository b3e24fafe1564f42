add_executable(bench_anomalies ${CMAKE_CURRENT_LIST_DIR}/bench_anomalies.cpp)
target_include_directories(bench_anomalies PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../support)
target_link_libraries(bench_anomalies PRIVATE seam_analysis)
