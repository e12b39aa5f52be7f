# The CUDA backend (CONVIS_CUDA=ON).  nvcc builds every .cu under kernels/cuda; we link the
# CUDA runtime, never libcuda (a binary linked to the driver would not start on a machine
# without one; see ../shared/reference/cuda-without-gpu.md).
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "52")
  set(CMAKE_CUDA_ARCHITECTURES 80 90)
endif()
set(CMAKE_CUDA_STANDARD 20)
file(GLOB CONVIS_CUDA_SOURCES CONFIGURE_DEPENDS kernels/cuda/*.cu kernels/cuda/*.cpp)
target_sources(convis PRIVATE ${CONVIS_CUDA_SOURCES})
target_compile_definitions(convis PUBLIC CONVIS_WITH_CUDA)
target_link_libraries(convis PRIVATE CUDA::cudart)
set_target_properties(convis PROPERTIES CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
