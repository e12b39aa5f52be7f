// tests/convis/raw_movie.h: movies the library's own VideoWriter would never write (raw frames of
// any pixel format in a NUT container), for the reader's bad-input tests.
#pragma once

#include <cstdint>
#include <string>

namespace convis::testing {

// Writes `frames` frames of width x height raw video in FFmpeg's pixel format `pixel_format`
// (a name such as "bgr4" or "gray"), every byte 0x80, to `path` (a .nut file); zero frames
// gives a file with a header and no frame.  False when this build has no FFmpeg.
bool write_raw_movie(const std::string& path, const std::string& pixel_format, int64_t frames, int width, int height);

}  // namespace convis::testing
