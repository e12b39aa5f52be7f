# The CUDA backend (CONVIS_CUDA=ON).  nvcc builds every .cu under kernels/cuda; we link the
# CUDA runtime, never libcuda (a binary linked to the driver would not start on a machine
# without one; see docs/ARCHITECTURE.md, "CUDA").
# sm_80 and sm_90 unless the user names others: set before enable_language, which otherwise
# stores nvcc's own default (sm_75 for CUDA 13) and nothing after it can tell the two apart.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 80 90)
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
file(GLOB CONVIS_CUDA_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/cuda/*.cu)

# The .cu files are an object library of their own, compiled as C++17: CMake 3.25 does not
# know nvcc's C++20 flag and refuses a CUDA target that inherits cxx_std_20.  Headers the
# kernels include must therefore stay C++17-clean (kernels/ headers are plain data anyway).
add_library(convis_cuda OBJECT ${CONVIS_CUDA_SOURCES})
target_include_directories(convis_cuda PRIVATE ${CONVIS_INCLUDE_ROOT}
                           $<TARGET_PROPERTY:fmt::fmt,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_definitions(convis_cuda PRIVATE CONVIS_WITH_CUDA)
# --expt-relaxed-constexpr: std::array's operator[] (the kernels' Dims3) in device code.
target_compile_options(convis_cuda PRIVATE -Xcompiler=-Wall,-Wextra -Werror=all-warnings -Xptxas=-warn-spills
                       --resource-usage --expt-relaxed-constexpr)
# No local memory either, but in sin and cos, whose huge-argument reduction CUDA keeps there
# (Note [Trigonometry in local memory] in kernels/cuda/backend_kernels.h).
set(_convis_lmem_checked ${CONVIS_CUDA_SOURCES})
list(FILTER _convis_lmem_checked EXCLUDE REGEX "/trig\\.cu$")
set_source_files_properties(${_convis_lmem_checked} PROPERTIES COMPILE_OPTIONS -Xptxas=-warn-lmem-usage)
# The kernels along time round every operation as the CPU does: no FMA contraction (Note
# [Exact CUDA units] in kernels/cuda/recurrent.cuh).
set_source_files_properties(${PROJECT_SOURCE_DIR}/kernels/cuda/recurrent.cu PROPERTIES COMPILE_OPTIONS
                            "-Xptxas=-warn-lmem-usage;--fmad=false")
set_target_properties(convis_cuda PROPERTIES CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}" CUDA_STANDARD 17
                      POSITION_INDEPENDENT_CODE ON)
target_sources(convis_core PRIVATE $<TARGET_OBJECTS:convis_cuda>)
# The Makefile generators count the CUDA objects as CUDA sources of convis_core and then ask
# for its CUDA architectures and a CUDA dialect for its cxx_std_20 (Ninja does not): give both.
set_target_properties(convis_core PROPERTIES CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}" CUDA_STANDARD 17)
target_compile_definitions(convis_core PUBLIC CONVIS_WITH_CUDA)
target_link_libraries(convis_core PRIVATE CUDA::cudart)
