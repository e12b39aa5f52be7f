// nn/convis/video_ffmpeg.h: the FFmpeg objects the video streams use, each owned by a small
// RAII class, so that every path out of a constructor or a get() frees them (only
// video_reader.cpp and video_writer.cpp include this; it needs FFmpeg's headers).
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "convis/core/error.h"

namespace convis::streams::ffmpeg {

// (C, X, Y) floats in [0, value_max] as 8-bit values, channels interleaved (grey, or RGB24);
// clamped, rounded, NaN as 0.
inline void to_8bit(const float* values, int64_t channels, int64_t plane, double value_max, uint8_t* out) {
  const double scale = 255.0 / value_max;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < plane; ++p) {
      const double v = double(values[c * plane + p]) * scale;
      out[p * channels + c] = v == v ? uint8_t(std::lround(std::clamp(v, 0.0, 255.0))) : 0;
    }
}

inline std::string error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

class FormatContext {
 public:
  FormatContext() = default;
  FormatContext(const FormatContext&) = delete;
  FormatContext& operator=(const FormatContext&) = delete;
  ~FormatContext() {
    if (input_) {
      avformat_close_input(&ctx_);
    } else if (ctx_) {
      if (ctx_->pb) avio_closep(&ctx_->pb);
      avformat_free_context(ctx_);
    }
  }
  AVFormatContext* get() const { return ctx_; }

  void open_input(const std::string& path, const char* op) {
    input_ = true;
    const int opened = avformat_open_input(&ctx_, path.c_str(), nullptr, nullptr);
    CONVIS_CHECK(opened == 0, op, "expected a readable movie, got '{}': {}", path, error_text(opened));
    const int info = avformat_find_stream_info(ctx_, nullptr);
    CONVIS_CHECK(info >= 0, op, "expected a movie FFmpeg can read, got '{}': {}", path, error_text(info));
  }
  // An output context whose format is guessed from `name` and whose bytes go to `file`.
  void open_output(const std::string& name, const std::string& file, const char* op) {
    const int made = avformat_alloc_output_context2(&ctx_, nullptr, nullptr, name.c_str());
    CONVIS_CHECK(made >= 0 && ctx_ != nullptr, op, "expected a movie name whose extension FFmpeg knows, got '{}': {}",
                 name, error_text(made));
    const int opened = avio_open(&ctx_->pb, file.c_str(), AVIO_FLAG_WRITE);
    CONVIS_CHECK(opened >= 0, op, "expected a writable path, got '{}': {}", file, error_text(opened));
  }

 private:
  AVFormatContext* ctx_ = nullptr;
  bool input_ = false;
};

class CodecContext {
 public:
  CodecContext() = default;
  CodecContext(const CodecContext&) = delete;
  CodecContext& operator=(const CodecContext&) = delete;
  ~CodecContext() { avcodec_free_context(&ctx_); }
  AVCodecContext* get() const { return ctx_; }

  void open_decoder(const AVCodecParameters* parameters, const std::string& path) {
    const AVCodec* decoder = avcodec_find_decoder(parameters->codec_id);
    CONVIS_CHECK(decoder != nullptr, "VideoReader", "expected a codec FFmpeg can decode, got '{}' in '{}'",
                 avcodec_get_name(parameters->codec_id), path);
    ctx_ = avcodec_alloc_context3(decoder);
    CONVIS_CHECK(ctx_ != nullptr && avcodec_parameters_to_context(ctx_, parameters) >= 0, "VideoReader",
                 "expected a decoder for '{}', got none", path);
    ctx_->thread_count = 0;  // as many decoding threads as FFmpeg sees fit (frames and slices)
    const int opened = avcodec_open2(ctx_, decoder, nullptr);
    CONVIS_CHECK(opened >= 0, "VideoReader", "expected to open the decoder of '{}', got: {}", path, error_text(opened));
  }
  void allocate(const AVCodec* encoder) { ctx_ = avcodec_alloc_context3(encoder); }

 private:
  AVCodecContext* ctx_ = nullptr;
};

class Packet {
 public:
  Packet() : packet_(av_packet_alloc()) {}
  Packet(const Packet&) = delete;
  Packet& operator=(const Packet&) = delete;
  ~Packet() { av_packet_free(&packet_); }
  AVPacket* get() const { return packet_; }

 private:
  AVPacket* packet_;
};

class Frame {
 public:
  Frame() : frame_(av_frame_alloc()) {}
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  ~Frame() { av_frame_free(&frame_); }
  AVFrame* get() const { return frame_; }

 private:
  AVFrame* frame_;
};

// Converts frames to one size and pixel format into a buffer of its own (swscale).
class Scaler {
 public:
  Scaler() = default;
  Scaler(const Scaler&) = delete;
  Scaler& operator=(const Scaler&) = delete;
  ~Scaler() { sws_freeContext(ctx_); }

  // The frame at width x height in `format`: the first plane's bytes, line_size() apart.
  const uint8_t* scale(const AVFrame* frame, int width, int height, AVPixelFormat format, const std::string& path) {
    ctx_ = sws_getCachedContext(ctx_, frame->width, frame->height, AVPixelFormat(frame->format), width, height, format,
                                SWS_BILINEAR, nullptr, nullptr, nullptr);
    CONVIS_CHECK(ctx_ != nullptr, "VideoReader", "expected a pixel format swscale converts, got '{}' in '{}'",
                 av_get_pix_fmt_name(AVPixelFormat(frame->format)) ? av_get_pix_fmt_name(AVPixelFormat(frame->format)) : "unknown",
                 path);
    line_ = (width * 3 + 63) / 64 * 64;
    buffer_.resize(size_t(line_) * size_t(height) + 64);
    uint8_t* planes[4] = {buffer_.data(), nullptr, nullptr, nullptr};
    int lines[4] = {line_, 0, 0, 0};
    sws_scale(ctx_, frame->data, frame->linesize, 0, frame->height, planes, lines);
    return buffer_.data();
  }
  int line_size() const { return line_; }

 private:
  SwsContext* ctx_ = nullptr;
  std::vector<uint8_t> buffer_;
  int line_ = 0;
};

}  // namespace convis::streams::ffmpeg
