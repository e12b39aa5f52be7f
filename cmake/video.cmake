# Movies in and out (nn/convis/video.h) through FFmpeg's libraries, found with pkg-config
# (Debian: libavformat-dev libavcodec-dev libswscale-dev libavutil-dev, which
# scripts/install-deps.sh installs).  CONVIS_VIDEO is on when they are found; without them
# VideoReader and VideoWriter are Errors that say so.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(CONVIS_FFMPEG QUIET libavformat libavcodec libswscale libavutil)
endif()
option(CONVIS_VIDEO "Read and write movies through FFmpeg" ${CONVIS_FFMPEG_FOUND})
if(CONVIS_VIDEO AND NOT CONVIS_FFMPEG_FOUND)
  message(FATAL_ERROR "CONVIS_VIDEO=ON needs FFmpeg's libavformat, libavcodec, libswscale and libavutil "
                      "(Debian: apt-get install libavformat-dev libavcodec-dev libswscale-dev libavutil-dev)")
endif()
if(CONVIS_VIDEO)
  target_compile_definitions(convis_nn PRIVATE CONVIS_WITH_VIDEO)
  target_include_directories(convis_nn PRIVATE ${CONVIS_FFMPEG_INCLUDE_DIRS})
  # Full paths, so that the exported static library carries them to programs that use it.
  target_link_libraries(convis_nn PRIVATE ${CONVIS_FFMPEG_LINK_LIBRARIES})
  message(STATUS "convis: movies through FFmpeg (CONVIS_VIDEO=ON)")
else()
  message(STATUS "convis: no FFmpeg found, VideoReader/VideoWriter are unavailable (CONVIS_VIDEO=OFF)")
endif()
