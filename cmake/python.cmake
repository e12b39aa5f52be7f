# cmake/python.cmake: finds a Python with nanobind for the Python package (python/), and sets
# CONVIS_PYTHON's default.  Looks first at the virtual environment scripts/install-deps.sh makes
# (.venv at the repository root), then at the python3 on the PATH; -DPython_EXECUTABLE=... picks
# another.  Under scikit-build-core (pip install .) the build's own Python is used.
if(NOT DEFINED Python_EXECUTABLE AND NOT SKBUILD AND EXISTS ${PROJECT_SOURCE_DIR}/.venv/bin/python3)
  set(Python_EXECUTABLE ${PROJECT_SOURCE_DIR}/.venv/bin/python3)
endif()
find_package(Python 3.8 COMPONENTS Interpreter Development.Module QUIET)
set(_convis_python_default OFF)
if(Python_FOUND)
  execute_process(COMMAND ${Python_EXECUTABLE} -m nanobind --cmake_dir
                  OUTPUT_VARIABLE _convis_nanobind_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _convis_nanobind_result ERROR_QUIET)
  if(_convis_nanobind_result EQUAL 0)
    set(_convis_python_default ON)
    list(APPEND CMAKE_PREFIX_PATH ${_convis_nanobind_dir})
  endif()
endif()
if(CONVIS_SANITIZE)  # an ASan extension would need the runtime preloaded into python
  set(_convis_python_default OFF)
endif()
option(CONVIS_PYTHON "Build the Python package convis (needs Python 3 with nanobind; on when found)"
       ${_convis_python_default})
if(CONVIS_PYTHON)
  if(NOT _convis_nanobind_result EQUAL 0)
    message(FATAL_ERROR "CONVIS_PYTHON is on but no Python with nanobind was found "
                        "(bash scripts/install-deps.sh makes .venv with it)")
  endif()
  find_package(nanobind CONFIG REQUIRED)
  message(STATUS "convis: Python package with ${Python_EXECUTABLE}")
else()
  message(STATUS "convis: no Python package (no Python with nanobind; bash scripts/install-deps.sh makes .venv)")
endif()
