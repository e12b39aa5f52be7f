// nn/convis/streams.cpp: the frame sources and sinks of streams.h (ProcessingStream, which
// needs a Layer, is in streams_processing.cpp).
#include "convis/nn/convis/streams.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <utility>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/generator.h"
#include "convis/core/io.h"
#include "convis/core/ops.h"

namespace convis::streams {

namespace {

// (T, X, Y) from (T, X, Y) or [1, 1, T, X, Y], detached; anything else is an Error.
Tensor as_frames(const Tensor& t, const char* op) {
  CONVIS_CHECK(t.defined(), op, "expected a (T, X, Y) tensor of frames, got an undefined tensor");
  if (t.dim() == 5) {
    CONVIS_CHECK(t.size(0) == 1 && t.size(1) == 1, op,
                 "expected frames (T, X, Y) or [1, 1, T, X, Y], got a 5-D tensor of shape {}", t.sizes());
    return t.detach().reshape({t.size(2), t.size(3), t.size(4)});
  }
  CONVIS_CHECK(t.dim() == 3, op, "expected frames (T, X, Y) or [1, 1, T, X, Y], got a {}-D tensor of shape {}",
               t.dim(), t.sizes());
  return t.detach();
}

}  // namespace

void Stream::put(const Tensor& /*frames*/) {
  CONVIS_CHECK(false, "Stream::put", "expected a stream that takes output frames, got a read-only stream");
}

namespace {

void check_count(int64_t n, const char* op) { CONVIS_CHECK(n >= 0, op, "expected n >= 0 frames, got {}", n); }

}  // namespace

// ---- SequenceStream ----

SequenceStream::SequenceStream(const Tensor& sequence, int64_t max_frames)
    : sequence_(as_frames(sequence, "SequenceStream").contiguous()), max_frames_(max_frames) {
  CONVIS_CHECK(max_frames >= 1, "SequenceStream", "expected max_frames >= 1, got {}", max_frames);
}

Tensor SequenceStream::get(int64_t n) {
  check_count(n, "SequenceStream::get");
  const int64_t count = std::min(n, sequence_.size(0) - position_);
  Tensor out = sequence_.narrow(0, position_, count).clone();
  position_ += count;
  return out;
}

std::optional<int64_t> SequenceStream::remaining() const { return sequence_.size(0) - position_; }

void SequenceStream::put(const Tensor& frames) {
  Tensor f = as_frames(frames, "SequenceStream::put");
  CONVIS_CHECK(f.size(1) == sequence_.size(1) && f.size(2) == sequence_.size(2), "SequenceStream::put",
               "expected frames of {} x {} pixels (the sequence's), got {} x {}", sequence_.size(1),
               sequence_.size(2), f.size(1), f.size(2));
  Tensor all = cat({sequence_, f.to(sequence_.dtype())}, 0);
  const int64_t drop = std::max<int64_t>(0, all.size(0) - max_frames_);
  sequence_ = all.narrow(0, drop, all.size(0) - drop).contiguous();
  position_ = std::max<int64_t>(0, position_ - drop);
}

// ---- RepeatingStream ----

RepeatingStream::RepeatingStream(const Tensor& sequence)
    : sequence_(as_frames(sequence, "RepeatingStream").contiguous()) {
  CONVIS_CHECK(sequence_.size(0) >= 1, "RepeatingStream", "expected a sequence of at least one frame, got shape {}",
               sequence_.sizes());
}

Tensor RepeatingStream::get(int64_t n) {
  check_count(n, "RepeatingStream::get");
  const int64_t length = sequence_.size(0);
  std::vector<Tensor> parts;
  int64_t left = n;
  do {
    const int64_t count = std::min(left, length - position_);
    parts.push_back(sequence_.narrow(0, position_, count));
    position_ = (position_ + count) % length;
    left -= count;
  } while (left > 0);
  return cat(parts, 0).contiguous();
}

// ---- RandomStream ----

RandomStream::RandomStream(std::array<int64_t, 2> size, double level, double mean, std::optional<uint64_t> seed)
    : size_(size), level_(level), mean_(mean), seed_(0) {
  CONVIS_CHECK(size[0] >= 1 && size[1] >= 1, "RandomStream", "expected a frame size of at least 1 x 1, got {} x {}",
               size[0], size[1]);
  if (seed) {
    seed_ = *seed;
  } else {
    Generator& g = default_generator();
    seed_ = g.bits(g.reserve(1));
  }
}

Tensor RandomStream::get(int64_t n) {
  check_count(n, "RandomStream::get");
  const Generator gen(seed_);
  Tensor out = empty({n, size_[0], size_[1]});
  float* p = out.data_ptr<float>();
  for (int64_t i = 0; i < out.numel(); ++i)
    p[i] = static_cast<float>(mean_ + level_ * gen.uniform(offset_ + static_cast<uint64_t>(i)));
  offset_ += static_cast<uint64_t>(out.numel());
  return out;
}

// ---- NpyReader ----

NpyReader::NpyReader(const std::string& path) : frames_(load_npy(path)) {}

Tensor NpyReader::get(int64_t n) { return frames_.get(n); }

std::optional<int64_t> NpyReader::remaining() const { return frames_.remaining(); }

// ---- NpyWriter ----

namespace {

// The .npy header (format 1.0) of a (T, X, Y) array of `dtype`, padded with spaces to `bytes`
// bytes in all (0: its own length, rounded up to 64 as NumPy does).  The descr comes from
// core's own writer, so the two never disagree.
std::string npy_frames_header(DType dtype, int64_t T, int64_t X, int64_t Y, size_t bytes) {
  const std::string empty_file = to_npy_bytes(empty({0}, dtype));
  const size_t at = empty_file.find("'descr': '") + 10;
  const std::string descr = empty_file.substr(at, empty_file.find('\'', at) - at);
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}, {}, {}), }}", descr, T, X, Y);
  if (bytes == 0) bytes = (10 + dict.size() + 1 + 63) / 64 * 64;
  CONVIS_CHECK(10 + dict.size() + 1 <= bytes && bytes - 10 <= 0xffff, "NpyWriter", "expected a header of {} bytes, got {}",
               bytes, 10 + dict.size() + 1);
  dict.append(bytes - 10 - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::string header("\x93NUMPY\x01\x00", 8);
  header.push_back(char(dict.size() & 0xff));
  header.push_back(char(dict.size() >> 8));
  return header + dict;
}

constexpr int64_t kRoomForFrames = int64_t(1) << 50;  // the placeholder count: any real count is shorter

}  // namespace

NpyWriter::NpyWriter(std::string path) : path_(std::move(path)) {}

NpyWriter::~NpyWriter() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; call close() to see errors
    std::remove((path_ + ".part").c_str());
  }
}

Tensor NpyWriter::get(int64_t /*n*/) {
  CONVIS_CHECK(false, "NpyWriter::get", "expected a stream to read from, got the write-only NpyWriter for {}", path_);
  return {};
}

void NpyWriter::put(const Tensor& frames) {
  CONVIS_CHECK(!closed_, "NpyWriter::put", "expected an open writer, got one already closed ({} written)", path_);
  Tensor f = as_frames(frames, "NpyWriter::put");
  if (!file_) {
    dtype_ = f.dtype(), x_ = f.size(1), y_ = f.size(2);
    const std::string header = npy_frames_header(dtype_, kRoomForFrames, x_, y_, 0);
    header_bytes_ = header.size();
    file_ = std::make_unique<std::ofstream>(path_ + ".part", std::ios::binary | std::ios::trunc);
    CONVIS_CHECK(file_->good(), "NpyWriter::put", "expected a writable path, got '{}'", path_);
    file_->write(header.data(), std::streamsize(header.size()));
  }
  CONVIS_CHECK(f.size(1) == x_ && f.size(2) == y_, "NpyWriter::put",
               "expected frames of {} x {} pixels (those put before), got {} x {}", x_, y_, f.size(1), f.size(2));
  f = f.to(dtype_).contiguous();
  file_->write(static_cast<const char*>(f.data_ptr()), std::streamsize(f.nbytes()));
  CONVIS_CHECK(file_->good(), "NpyWriter::put", "expected to write '{}.part', got a write error", path_);
  frames_ += f.size(0);
}

void NpyWriter::close() {
  if (closed_) return;
  closed_ = true;
  if (!file_) {
    save_npy(path_, zeros({0, 0, 0}));
    return;
  }
  const std::string header = npy_frames_header(dtype_, frames_, x_, y_, header_bytes_);
  file_->seekp(0);
  file_->write(header.data(), std::streamsize(header.size()));
  file_->close();
  CONVIS_CHECK(!file_->fail(), "NpyWriter::close", "expected to complete '{}.part', got a write error", path_);
  CONVIS_CHECK(std::rename((path_ + ".part").c_str(), path_.c_str()) == 0, "NpyWriter::close",
               "expected to rename '{}.part' to '{}', got an error", path_, path_);
}

}  // namespace convis::streams
