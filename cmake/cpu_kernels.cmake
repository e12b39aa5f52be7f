# The CPU kernels, compiled once per capability (Note [One source, three capabilities] in
# kernels/cpu/capability.h): every file of kernels/cpu/ except capability.cpp is built into
# one object library per level, with CONVIS_CPU_LEVEL naming the level, and all of them go
# into convis_core.  capability.cpp, built once for baseline x86-64, chooses among them.
# Off x86-64, or with a compiler other than GCC (the levels use `#pragma GCC target`), only
# the generic level is built.
file(GLOB CONVIS_CPU_KERNEL_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/cpu/*.cpp)
list(FILTER CONVIS_CPU_KERNEL_SOURCES EXCLUDE REGEX "/capability\\.cpp$")

# sqrt of a float vectorises only without errno (its argument is never negative there).
set_source_files_properties(${PROJECT_SOURCE_DIR}/kernels/cpu/spiking.cpp PROPERTIES COMPILE_OPTIONS -fno-math-errno)

set(CONVIS_CPU_LEVELS generic)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND CONVIS_CPU_LEVELS avx2 avx512)
endif()

set(_level 0)
foreach(name IN LISTS CONVIS_CPU_LEVELS)
  add_library(convis_cpu_${name} OBJECT ${CONVIS_CPU_KERNEL_SOURCES})
  target_compile_definitions(convis_cpu_${name} PRIVATE CONVIS_CPU_LEVEL=${_level})
  # The same bits at every level: no a*b+c fused into an FMA unless a kernel writes one.
  target_compile_options(convis_cpu_${name} PRIVATE -ffp-contract=off)
  target_include_directories(convis_cpu_${name} PRIVATE ${CONVIS_INCLUDE_ROOT})
  target_link_libraries(convis_cpu_${name} PRIVATE fmt::fmt OpenMP::OpenMP_CXX)
  convis_warnings(convis_cpu_${name})
  target_sources(convis_core PRIVATE $<TARGET_OBJECTS:convis_cpu_${name}>)
  string(TOUPPER ${name} _upper)
  target_compile_definitions(convis_core PRIVATE CONVIS_CPU_HAVE_${_upper})
  math(EXPR _level "${_level} + 1")
endforeach()
