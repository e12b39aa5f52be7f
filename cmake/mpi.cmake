# Data-parallel training across processes (nn/distributed/) over Debian's OpenMPI
# (libopenmpi-dev openmpi-bin, which scripts/install-deps.sh installs), found by FindMPI.
# CONVIS_MPI is on when MPI is found; without it ProcessGroupMPI::create() is an Error that
# says so and the rest of nn/distributed (DistributedDataParallel over any ProcessGroup) stays.
set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "convis calls the C API of MPI only")
find_package(MPI QUIET COMPONENTS CXX)
option(CONVIS_MPI "Data-parallel training over MPI (ProcessGroupMPI)" ${MPI_CXX_FOUND})
if(CONVIS_MPI AND NOT MPI_CXX_FOUND)
  message(FATAL_ERROR "CONVIS_MPI=ON needs an MPI (Debian: apt-get install libopenmpi-dev openmpi-bin)")
endif()
if(CONVIS_MPI)
  # The C API only: no C++ bindings (OpenMPI's warn under -Wextra), mpi.h as a system header.
  set_property(SOURCE ${PROJECT_SOURCE_DIR}/nn/distributed/process_group_mpi.cpp
               APPEND PROPERTY COMPILE_DEFINITIONS CONVIS_WITH_MPI OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX)
  target_include_directories(convis_nn SYSTEM PRIVATE ${MPI_CXX_INCLUDE_DIRS})
  set(CONVIS_MPI_LIBRARIES ${MPI_CXX_LIBRARIES})
  list(FILTER CONVIS_MPI_LIBRARIES EXCLUDE REGEX "mpi_cxx")
  # Full paths, so that the exported static library carries them to programs that use it.
  target_link_libraries(convis_nn PRIVATE ${CONVIS_MPI_LIBRARIES})
  message(STATUS "convis: data-parallel training over MPI (CONVIS_MPI=ON, ${CONVIS_MPI_LIBRARIES})")
else()
  message(STATUS "convis: no MPI found, ProcessGroupMPI is unavailable (CONVIS_MPI=OFF)")
endif()
