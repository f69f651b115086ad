# The viewer page of `imagery serve` in a real browser (tests/serve/viewer_test.py): Debian's
# chromium and chromedriver driven by Debian's python3-selenium, run by Debian's own python3
# (/usr/bin/python3, whatever python3 comes first on PATH) with pytest. Registered only where
# those are installed (scripts/setup installs them); the configure step says when they are not.
find_program(IMAGERY_CHROMIUM chromium)
find_program(IMAGERY_CHROMEDRIVER chromedriver)
set(IMAGERY_VIEWER_PYTHON /usr/bin/python3)
set(imagery_viewer_missing "")
if(NOT IMAGERY_CHROMIUM OR NOT IMAGERY_CHROMEDRIVER)
  set(imagery_viewer_missing "chromium and chromedriver")
elseif(NOT EXISTS ${IMAGERY_VIEWER_PYTHON})
  set(imagery_viewer_missing "${IMAGERY_VIEWER_PYTHON}")
else()
  execute_process(COMMAND ${IMAGERY_VIEWER_PYTHON} -c "import selenium, pytest, PIL"
                  RESULT_VARIABLE imagery_viewer_imports OUTPUT_QUIET ERROR_QUIET)
  if(NOT imagery_viewer_imports EQUAL 0)
    set(imagery_viewer_missing "python3-selenium, python3-pytest and python3-pil")
  endif()
endif()
if(imagery_viewer_missing STREQUAL "")
  add_test(NAME "serve viewer: the page shows the tiles, sections, overlay, cursor readout and figure in chromium"
           COMMAND ${IMAGERY_VIEWER_PYTHON} -m pytest -q -p no:cacheprovider
                   ${CMAKE_CURRENT_SOURCE_DIR}/serve/viewer_test.py)
  set_tests_properties(
    "serve viewer: the page shows the tiles, sections, overlay, cursor readout and figure in chromium"
    PROPERTIES TIMEOUT 180 LABELS "serve;browser"
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;IMAGERY_CLI=$<TARGET_FILE:imagery>;IMAGERY_SOURCE_DIR=${PROJECT_SOURCE_DIR};IMAGERY_VIEWER_OUT=${CMAKE_CURRENT_BINARY_DIR}/viewer_screenshots")
else()
  message(STATUS "imagery: no ${imagery_viewer_missing}: the browser test of the viewer page is left out")
endif()
