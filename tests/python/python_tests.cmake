# The Python tests (pytest from Debian's python3-pytest), one CTest entry per test file, run with
# the interpreter the module was built for and the build tree's package on PYTHONPATH. Pictures
# the tests draw land in <build>/python-test-output to be looked at.
if(NOT IMAGERY_PYTHON_BUILT)
  return()
endif()
execute_process(COMMAND ${Python3_EXECUTABLE} -c "import pytest, numpy"
                RESULT_VARIABLE imagery_no_pytest OUTPUT_QUIET ERROR_QUIET)
if(NOT imagery_no_pytest EQUAL 0)
  message(STATUS "imagery: ${Python3_EXECUTABLE} has no pytest or numpy: the Python tests are left out")
  return()
endif()
# Tests of ../shared fixtures read them where they are (never copied into the project).
set(imagery_python_shared "")
if(IMAGERY_HAVE_SHARED_FIXTURES)
  set(imagery_python_shared ";IMAGERY_SHARED_FIXTURES=${IMAGERY_SHARED_FIXTURES}")
endif()
get_filename_component(imagery_python_path "${IMAGERY_PYTHON_PACKAGE_DIR}" DIRECTORY)
file(GLOB imagery_python_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
if(NOT IMAGERY_HAVE_SHARED_FIXTURES)
  list(FILTER imagery_python_tests EXCLUDE REGEX "test_shared_fixtures\\.py$")
endif()
foreach(test_file ${imagery_python_tests})
  get_filename_component(test_name ${test_file} NAME)
  add_test(NAME "python: ${test_name}"
           COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${test_file}
           WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties("python: ${test_name}" PROPERTIES
    LABELS python
    ENVIRONMENT "PYTHONPATH=${imagery_python_path};PYTHONDONTWRITEBYTECODE=1;IMAGERY_SOURCE_DIR=${PROJECT_SOURCE_DIR};IMAGERY_CLI=$<TARGET_FILE:imagery>;IMAGERY_FAKE_CAVE=$<TARGET_FILE:fake-cave>;IMAGERY_TEST_OUTPUT=${CMAKE_BINARY_DIR}/python-test-output;IMAGERY_BUILD_DIR=${CMAKE_BINARY_DIR}${imagery_python_shared}")
endforeach()
