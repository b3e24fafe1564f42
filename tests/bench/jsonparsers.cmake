add_executable(bench_jsonparsers ${CMAKE_CURRENT_LIST_DIR}/bench_jsonparsers.cpp)
target_include_directories(bench_jsonparsers SYSTEM PRIVATE ${RAPIDJSON_INCLUDE_DIRS})
target_link_libraries(bench_jsonparsers PRIVATE seam_importers seam_core Qt6::Core)
# simdjson (Debian's libsimdjson-dev) is a candidate the benchmark measures when it is installed; Seam
# itself does not use it.
find_path(SEAM_SIMDJSON_INCLUDE simdjson.h)
find_library(SEAM_SIMDJSON_LIBRARY simdjson)
if(SEAM_SIMDJSON_INCLUDE AND SEAM_SIMDJSON_LIBRARY)
    target_compile_definitions(bench_jsonparsers PRIVATE SEAM_BENCH_SIMDJSON)
    target_include_directories(bench_jsonparsers SYSTEM PRIVATE ${SEAM_SIMDJSON_INCLUDE})
    target_link_libraries(bench_jsonparsers PRIVATE ${SEAM_SIMDJSON_LIBRARY})
endif()
