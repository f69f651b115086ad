# Finds Debian's Python 3 (the one with numpy, Pillow and pytest: /usr/bin/python3 unless
# Python3_EXECUTABLE says otherwise, never a pyenv shim first on PATH) and pybind11, and adds
# python/ when both are there; otherwise the module is left out with a message.
if(NOT Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python3 COMPONENTS Interpreter Development.Module)
find_package(pybind11 CONFIG QUIET)
if(Python3_FOUND AND pybind11_FOUND)
  message(STATUS "imagery: Python module for ${Python3_EXECUTABLE} (${Python3_VERSION}), "
                 "pybind11 ${pybind11_VERSION}")
  add_subdirectory(python)
  set(IMAGERY_PYTHON_BUILT ON)
else()
  message(STATUS "imagery: no Python 3 development files or pybind11 (Debian: python3-dev "
                 "pybind11-dev): the Python module is left out")
  set(IMAGERY_PYTHON_BUILT OFF)
endif()
