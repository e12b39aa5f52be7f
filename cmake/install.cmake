# `cmake --install` lays out include/convis/**.h, the library, a CMake package
# (find_package(convis CONFIG REQUIRED) -> convis::convis) and convis.pc for pkg-config.
include(CMakePackageConfigHelpers)

# Only the public headers: kernels/, every detail/ folder and the few headers internal to one
# folder (named below) stay in the source tree.
set(CONVIS_INTERNAL_HEADERS strided_loop.h zip.h elementwise_impl.h index_loop.h reduce_plan.h
    elementwise_common.h view_backward.h op_list.h record.h)
foreach(dir core autograd nn)
  set(excludes "")
  foreach(h ${CONVIS_INTERNAL_HEADERS})
    list(APPEND excludes PATTERN ${h} EXCLUDE)
  endforeach()
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/convis/${dir}
          FILES_MATCHING PATTERN "*.h" PATTERN "*.inc" PATTERN "detail" EXCLUDE ${excludes})
endforeach()
install(FILES convis.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/convis)

install(TARGETS convis convis_core convis_autograd convis_nn EXPORT convisTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT convisTargets NAMESPACE convis:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convis)

configure_package_config_file(cmake/convisConfig.cmake.in ${PROJECT_BINARY_DIR}/convisConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convis)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/convisConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/convisConfig.cmake ${PROJECT_BINARY_DIR}/convisConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convis)

set(CONVIS_PC_EXTRA_LIBS "")
if(CONVIS_CUDA)
  set(CONVIS_PC_EXTRA_LIBS "-L${CUDAToolkit_LIBRARY_DIR} -lcudart")
endif()
if(CONVIS_VIDEO)
  string(APPEND CONVIS_PC_EXTRA_LIBS " -lavformat -lavcodec -lswscale -lavutil")
endif()
if(CONVIS_MPI)
  foreach(lib ${CONVIS_MPI_LIBRARIES})
    string(APPEND CONVIS_PC_EXTRA_LIBS " ${lib}")
  endforeach()
endif()
configure_file(cmake/convis.pc.in ${PROJECT_BINARY_DIR}/convis.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/convis.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
