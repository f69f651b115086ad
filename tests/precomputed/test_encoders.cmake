# imagery_test_encoders: the compresso and crackle encoders of our own (Debian packages none),
# written from the format descriptions for the tests, the fuzz targets' round trips and the
# benchmarks, each of which includes this file. Built with the build's optimisation: the tests
# encode whole chunks with them.
include_guard(GLOBAL)
add_library(imagery_test_encoders STATIC ${CMAKE_CURRENT_LIST_DIR}/compresso_encoder.cpp
            ${CMAKE_CURRENT_LIST_DIR}/crackle_encoder.cpp)
target_include_directories(imagery_test_encoders PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(imagery_test_encoders PUBLIC imagery::imagery PRIVATE imagery_warnings)
