// nn/convis/inr.h: VirtualRetina's .inr image files (INRIMAGE-4), so that convis reads its
// inputs and outputs and writes files it reads.
//
//   convis::Tensor video = convis::load_inr("input.inr");   // (T, X, Y): ZDIM, YDIM, XDIM
//   convis::save_inr("copy.inr", video);                    // float32 (or float64), little-endian
//   convis::streams::InrReader frames("input.inr");          // a Stream for Layer::run
//
// Note [INR files]
// An .inr file is a text header in blocks of 256 bytes, "#INRIMAGE-4#{" then lines KEY=VALUE
// (XDIM, YDIM, ZDIM, VDIM, TYPE = float | unsigned fixed | signed fixed, PIXSIZE = "32 bits",
// CPU = decm | pc | alpha (little-endian) or sun | sgi (big-endian), optional VX/VY/VZ, SCALE),
// newlines up to the end of the block, whose last line is "##}", then the voxels with X varying
// fastest, then Y, then Z (time, for VirtualRetina's sequences).  So the data is a (Z, Y, X)
// array: convis reads it as (T, X, Y) frames with T = ZDIM, X = YDIM (rows) and Y = XDIM
// (columns), no transposition.  Values are converted to float32 (float64 files stay float64).
// Only VDIM = 1 (one value per voxel) is read.  A header that is not INRIMAGE-4, lacks a field,
// or promises more data than the file holds is an Error naming the file, before anything is
// allocated.
#pragma once

#include <string>

#include "convis/core/tensor.h"
#include "convis/nn/convis/streams.h"

namespace convis {

Tensor load_inr(const std::string& path);
// frames: (T, X, Y), or [1, 1, T, X, Y]; float64 is written as 64-bit floats, anything else as
// 32-bit floats.
void save_inr(const std::string& path, const Tensor& frames);

namespace streams {

// The frames of a (T, X, Y) .inr file (read into memory when opened), once.  Read-only.
class InrReader : public Stream {
 public:
  explicit InrReader(const std::string& path) : frames_(load_inr(path)) {}
  Tensor get(int64_t n) override { return frames_.get(n); }
  std::optional<int64_t> remaining() const override { return frames_.remaining(); }

 private:
  SequenceStream frames_;
};

}  // namespace streams

}  // namespace convis
