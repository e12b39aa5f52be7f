// nn/convis/video_writer.cpp: streams::VideoWriter over libavformat, libavcodec and libswscale
// (Note [Video streams] in video.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "convis/core/error.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/video.h"

#ifdef CONVIS_WITH_VIDEO
#include "convis/nn/convis/video_ffmpeg.h"
#endif

namespace convis::streams {

#ifdef CONVIS_WITH_VIDEO

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

struct VideoWriter::Impl {
  std::string path, part;
  VideoWriterOptions options;
  std::string codec_name;
  ffmpeg::FormatContext format;
  ffmpeg::CodecContext codec;
  ffmpeg::Frame frame;
  ffmpeg::Packet packet;
  SwsContext* sws = nullptr;
  AVStream* stream = nullptr;
  int64_t channels = 0, height = 0, width = 0, count = 0;
  bool opened = false, closed = false, failed = false;
  std::vector<uint8_t> pixels;

  ~Impl() { sws_freeContext(sws); }
  void open(int64_t c, int64_t h, int64_t w);
  void encode(AVFrame* f);
  void write_frame(const float* values);
  void finish();
};

void VideoWriter::Impl::open(int64_t c, int64_t h, int64_t w) {
  channels = c, height = h, width = w;
  av_log_set_level(AV_LOG_QUIET);  // errors reach the caller as convis::Errors, not on stderr
  const bool lossless = codec_name == "ffv1";
  CONVIS_CHECK(lossless || (h % 2 == 0 && w % 2 == 0), "VideoWriter",
               "expected an even frame size for codec {} (4:2:0 colour), got {}x{}; write .mkv (lossless FFV1) for odd sizes",
               codec_name, h, w);
  format.open_output(path, part, "VideoWriter");
  const AVCodec* encoder = codec_name == "h264" ? avcodec_find_encoder(AV_CODEC_ID_H264)
                           : codec_name == "mpeg4" ? avcodec_find_encoder(AV_CODEC_ID_MPEG4)
                                                   : avcodec_find_encoder(AV_CODEC_ID_FFV1);
  CONVIS_CHECK(encoder != nullptr, "VideoWriter", "expected an FFmpeg with a {} encoder, got one without", codec_name);
  codec.allocate(encoder);
  AVCodecContext* cc = codec.get();
  const AVRational rate = av_d2q(options.fps, 100000);
  cc->width = int(w);
  cc->height = int(h);
  cc->pix_fmt = !lossless ? AV_PIX_FMT_YUV420P : c == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_0RGB32;
  cc->time_base = av_inv_q(rate);
  cc->framerate = rate;
  cc->gop_size = 12;
  if (!lossless) cc->bit_rate = options.bit_rate;
  if (format.get()->oformat->flags & AVFMT_GLOBALHEADER) cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (codec_name == "h264") av_opt_set(cc->priv_data, "preset", "veryfast", 0);
  const int opened_codec = avcodec_open2(cc, encoder, nullptr);
  CONVIS_CHECK(opened_codec >= 0, "VideoWriter", "expected to open the {} encoder for '{}', got: {}", codec_name, path,
               ffmpeg::error_text(opened_codec));
  stream = avformat_new_stream(format.get(), nullptr);
  CONVIS_CHECK(stream != nullptr && avcodec_parameters_from_context(stream->codecpar, cc) >= 0, "VideoWriter",
               "expected a video stream in '{}', got none", path);
  stream->time_base = cc->time_base;
  const int header = avformat_write_header(format.get(), nullptr);
  CONVIS_CHECK(header >= 0, "VideoWriter", "expected to write the header of '{}', got: {}", path, ffmpeg::error_text(header));
  AVFrame* f = frame.get();
  f->format = cc->pix_fmt;
  f->width = cc->width;
  f->height = cc->height;
  CONVIS_CHECK(av_frame_get_buffer(f, 0) >= 0, "VideoWriter", "expected memory for a frame of {}x{}, got none", h, w);
  const AVPixelFormat source = c == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
  sws = sws_getContext(int(w), int(h), source, int(w), int(h), cc->pix_fmt, SWS_BILINEAR, nullptr, nullptr, nullptr);
  CONVIS_CHECK(sws != nullptr, "VideoWriter", "expected a conversion to {}, got none", av_get_pix_fmt_name(cc->pix_fmt));
  pixels.resize(size_t(c * h * w) + 64);
  opened = true;
}

void VideoWriter::Impl::encode(AVFrame* f) {
  const int sent = avcodec_send_frame(codec.get(), f);
  if (sent < 0) {
    failed = true;
    throw Error(fmt::format("[VideoWriter] expected to encode frame {} of '{}', got: {}", count, path,
                            ffmpeg::error_text(sent)));
  }
  while (true) {
    const int received = avcodec_receive_packet(codec.get(), packet.get());
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) return;
    if (received < 0) {
      failed = true;
      throw Error(fmt::format("[VideoWriter] expected encoded data for '{}', got: {}", path, ffmpeg::error_text(received)));
    }
    // Every frame lasts one frame period (an mp4 reader drops a last sample of duration 0).
    if (packet.get()->duration == 0) packet.get()->duration = 1;
    av_packet_rescale_ts(packet.get(), codec.get()->time_base, stream->time_base);
    packet.get()->stream_index = stream->index;
    const int written = av_interleaved_write_frame(format.get(), packet.get());
    if (written < 0) {
      failed = true;
      throw Error(fmt::format("[VideoWriter] expected to write '{}', got: {}", part, ffmpeg::error_text(written)));
    }
  }
}

// One (C, X, Y) frame of floats: 8 bits per value (interleaved for RGB), then the codec's format.
void VideoWriter::Impl::write_frame(const float* values) {
  ffmpeg::to_8bit(values, channels, height * width, options.value_max, pixels.data());
  AVFrame* f = frame.get();
  CONVIS_CHECK(av_frame_make_writable(f) >= 0, "VideoWriter", "expected a writable frame buffer, got none");
  const uint8_t* planes[4] = {pixels.data(), nullptr, nullptr, nullptr};
  const int lines[4] = {int(width * channels), 0, 0, 0};
  sws_scale(sws, planes, lines, 0, int(height), f->data, f->linesize);
  f->pts = count;
  encode(f);
  ++count;
}

void VideoWriter::Impl::finish() {
  CONVIS_CHECK(opened, "VideoWriter", "expected at least one frame before close() of '{}', got none", path);
  encode(nullptr);  // flush the frames the encoder holds back
  const int trailer = av_write_trailer(format.get());
  CONVIS_CHECK(trailer >= 0, "VideoWriter", "expected to complete '{}', got: {}", part, ffmpeg::error_text(trailer));
  avio_closep(&format.get()->pb);
  CONVIS_CHECK(std::rename(part.c_str(), path.c_str()) == 0, "VideoWriter", "expected to rename '{}' to '{}', got an error",
               part, path);
}

VideoWriter::VideoWriter(std::string path, const VideoWriterOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  CONVIS_CHECK(options.fps > 0 && options.value_max > 0 && options.bit_rate > 0, "VideoWriter",
               "expected fps, value_max and bit_rate > 0, got {}, {} and {}", options.fps, options.value_max,
               options.bit_rate);
  m.path = std::move(path);
  m.part = m.path + ".part";
  m.options = options;
  m.codec_name = options.codec;
  if (m.codec_name.empty()) {
    m.codec_name = ends_with(m.path, ".mkv") ? "ffv1" : avcodec_find_encoder(AV_CODEC_ID_H264) ? "h264" : "mpeg4";
  }
  CONVIS_CHECK(m.codec_name == "h264" || m.codec_name == "mpeg4" || m.codec_name == "ffv1", "VideoWriter",
               "expected codec \"h264\", \"mpeg4\", \"ffv1\" or \"\", got \"{}\"", m.codec_name);
}

VideoWriter::~VideoWriter() {
  Impl& m = *impl_;
  if (m.closed) return;
  if (m.opened && !m.failed) {
    try {
      m.finish();
      return;
    } catch (const std::exception&) {
    }
  }
  std::remove(m.part.c_str());  // whatever was written aside (none when nothing was put)
}

Tensor VideoWriter::get(int64_t) {
  throw Error(fmt::format("[VideoWriter] expected a stream to read from, got the write-only '{}'", impl_->path));
}

void VideoWriter::put(const Tensor& frames) {
  Impl& m = *impl_;
  CONVIS_CHECK(!m.closed, "VideoWriter", "expected an open writer, got '{}', already closed", m.path);
  CONVIS_CHECK(frames.defined() && (frames.dim() == 3 || frames.dim() == 4 || (frames.dim() == 5 && frames.size(0) == 1)),
               "VideoWriter", "expected frames (n, X, Y), (n, 3, X, Y) or [1, C, n, X, Y], got {}",
               frames.defined() ? fmt::format("shape {}", frames.sizes()) : std::string("an undefined tensor"));
  Tensor f = frames.detach();
  if (f.dim() == 5) f = f.select(0, 0).transpose(0, 1);  // [C, n, X, Y] -> (n, C, X, Y)
  if (f.dim() == 3) f = f.unsqueeze(1);
  f = f.to(kFloat32).contiguous();
  const int64_t c = f.size(1), h = f.size(2), w = f.size(3);
  CONVIS_CHECK(c == 1 || c == 3, "VideoWriter", "expected 1 (grey) or 3 (RGB) channels, got {} (frames {})", c,
               frames.sizes());
  if (!m.opened) m.open(c, h, w);
  CONVIS_CHECK(c == m.channels && h == m.height && w == m.width, "VideoWriter",
               "expected frames of {} channel(s) of {}x{} as before in '{}', got {}", m.channels, m.height, m.width,
               m.path, frames.sizes());
  const float* data = f.data_ptr<float>();
  for (int64_t i = 0; i < f.size(0); ++i) m.write_frame(data + i * c * h * w);
}

void VideoWriter::close() {
  Impl& m = *impl_;
  CONVIS_CHECK(!m.closed, "VideoWriter", "expected an open writer, got '{}', already closed", m.path);
  m.finish();
  m.closed = true;
}

int64_t VideoWriter::frames() const { return impl_->count; }

const std::string& VideoWriter::codec() const { return impl_->codec_name; }

#else  // CONVIS_WITH_VIDEO

struct VideoWriter::Impl {
  std::string codec;
};

VideoWriter::VideoWriter(std::string path, const VideoWriterOptions&) {
  throw Error(fmt::format("[VideoWriter] expected a build with FFmpeg (CONVIS_VIDEO=ON) to write '{}', got one "
                          "without", path));
}
VideoWriter::~VideoWriter() = default;
Tensor VideoWriter::get(int64_t) { return {}; }
void VideoWriter::put(const Tensor&) {}
void VideoWriter::close() {}
int64_t VideoWriter::frames() const { return 0; }
const std::string& VideoWriter::codec() const { return impl_->codec; }

#endif  // CONVIS_WITH_VIDEO

}  // namespace convis::streams
