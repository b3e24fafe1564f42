# Tools that drive the real application (not tests): the README screenshot.
add_executable(seam_screenshot tools/seam_screenshot.cpp)
target_link_libraries(seam_screenshot PRIVATE seam_gui Qt6::Test)
