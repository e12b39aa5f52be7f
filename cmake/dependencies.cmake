# Every dependency is a Debian package (see README.md); no download happens at configure time.
include(GNUInstallDirs)
find_package(fmt REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
if(CONVIS_SANITIZE_THREAD)
  # Debian's libgomp is not built for ThreadSanitizer, which then takes OpenMP's own barriers
  # for races.  The TSan build compiles the OpenMP pragmas out (the omp_* calls still link):
  # every kernel runs on its calling thread, and TSan checks what runs between std::threads.
  set_property(TARGET OpenMP::OpenMP_CXX PROPERTY INTERFACE_COMPILE_OPTIONS "")
  add_compile_options(-Wno-unknown-pragmas)
endif()
find_package(nlohmann_json 3 REQUIRED)
if(CONVIS_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
if(CONVIS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
