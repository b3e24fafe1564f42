# The span payload codec on a real cache's payloads: bytes, encode and decode time, exact round trips.
add_executable(bench_payload ${CMAKE_CURRENT_LIST_DIR}/bench_payload.cpp)
target_link_libraries(bench_payload PRIVATE seam_store)
