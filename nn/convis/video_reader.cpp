// nn/convis/video_reader.cpp: streams::VideoReader over libavformat, libavcodec and libswscale
// (Note [Video streams] in video.h).
#include <fmt/format.h>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/nn/convis/video.h"

#ifdef CONVIS_WITH_VIDEO
#include "convis/nn/convis/video_ffmpeg.h"
#endif

namespace convis::streams {

bool video_available() {
#ifdef CONVIS_WITH_VIDEO
  return true;
#else
  return false;
#endif
}

#ifdef CONVIS_WITH_VIDEO

struct VideoReader::Impl {
  std::string path;
  VideoReaderOptions options;
  ffmpeg::FormatContext format;
  ffmpeg::CodecContext codec;
  ffmpeg::Packet packet;
  ffmpeg::Frame frame;
  ffmpeg::Scaler scaler;
  int stream = -1;
  int64_t known_frames = -1;  // from the container, or -1
  bool exact_count = false;   // known_frames is the stream's own count (not duration x rate)
  int64_t decoded = 0;        // frames out of the decoder (skipped ones included)
  int64_t handed_out = 0;
  bool flushing = false, finished = false;
  std::string damage;  // why decoding stopped early, said by the next get()
  int64_t height = 0, width = 0;

  void open();
  bool next_frame();  // the next decoded frame into `frame`; false at the end (or damage)
  void convert(float* out);
  void check_complete();  // at the end: damage when frames the container announced are missing
};

// Note [Damaged movies]: a demuxer meeting garbage may skip to the next readable cluster or stop
// as if the file ended, without an error.  Frames lost that way show at the end as fewer frames
// than the container announced; duration x rate may be off by one, so that estimate needs two
// missing frames.
void VideoReader::Impl::check_complete() {
  const int64_t missing = known_frames - decoded;
  if (known_frames > 0 && (exact_count ? missing > 0 : missing > 1))
    damage = fmt::format("the container announces {} frames, the data ended after frame {}", known_frames, decoded);
}

void VideoReader::Impl::open() {
  av_log_set_level(AV_LOG_QUIET);  // errors reach the caller as convis::Errors, not on stderr
  format.open_input(path, "VideoReader");
  stream = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  CONVIS_CHECK(stream >= 0, "VideoReader", "expected a file with a video stream, got '{}', which has none", path);
  AVStream* s = format.get()->streams[stream];
  codec.open_decoder(s->codecpar, path);
  // The frame count: the stream's when the container has it (mp4, avi), else duration x frame
  // rate (Matroska), else unknown.
  known_frames = s->nb_frames > 0 ? s->nb_frames : -1;
  exact_count = known_frames > 0;
  const AVRational rate = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
  if (known_frames < 0 && rate.num > 0 && rate.den > 0) {
    if (s->duration > 0) {
      known_frames = av_rescale_q(s->duration, s->time_base, av_inv_q(rate));
    } else if (format.get()->duration > 0) {
      known_frames = av_rescale_q(format.get()->duration, AV_TIME_BASE_Q, av_inv_q(rate));
    }
  }
  height = options.size ? (*options.size)[0] : codec.get()->height;
  width = options.size ? (*options.size)[1] : codec.get()->width;
  CONVIS_CHECK(height > 0 && width > 0, "VideoReader", "expected a positive frame size, got {}x{} for '{}'", height,
               width, path);
}

bool VideoReader::Impl::next_frame() {
  while (true) {
    const int received = avcodec_receive_frame(codec.get(), frame.get());
    if (received == 0) {
      ++decoded;
      return true;
    }
    if (received == AVERROR_EOF) {
      check_complete();
      return false;
    }
    if (received != AVERROR(EAGAIN)) {
      damage = fmt::format("decoding failed ({})", ffmpeg::error_text(received));
      return false;
    }
    if (flushing) return false;
    const int read = av_read_frame(format.get(), packet.get());
    if (read == AVERROR_EOF) {
      flushing = true;
      avcodec_send_packet(codec.get(), nullptr);  // drain the frames the decoder still holds
      continue;
    }
    if (read < 0) {
      damage = fmt::format("reading failed ({})", ffmpeg::error_text(read));
      return false;
    }
    if (packet.get()->stream_index == stream) {
      const int sent = avcodec_send_packet(codec.get(), packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        av_packet_unref(packet.get());
        damage = fmt::format("decoding failed ({})", ffmpeg::error_text(sent));
        return false;
      }
    }
    av_packet_unref(packet.get());
  }
}

void VideoReader::Impl::convert(float* out) {
  const AVPixelFormat target = options.rgb ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  const uint8_t* pixels = scaler.scale(frame.get(), int(width), int(height), target, path);
  const int line = scaler.line_size();
  const double scale = options.value_max;  // p * value_max / 255 in double: p / 255 rounded once
  const int64_t channels = options.rgb ? 3 : 1;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t x = 0; x < height; ++x)
      for (int64_t y = 0; y < width; ++y)
        out[(c * height + x) * width + y] = float(double(pixels[x * line + y * channels + c]) * scale / 255.0);
}

VideoReader::VideoReader(const std::string& path, const VideoReaderOptions& options) : impl_(std::make_unique<Impl>()) {
  CONVIS_CHECK(options.start_frame >= 0 && options.max_frames.value_or(0) >= 0 && options.value_max > 0, "VideoReader",
               "expected start_frame >= 0, max_frames >= 0 and value_max > 0, got {}, {} and {}", options.start_frame,
               options.max_frames.value_or(0), options.value_max);
  CONVIS_CHECK(!options.size || ((*options.size)[0] > 0 && (*options.size)[1] > 0), "VideoReader",
               "expected a positive size {{X, Y}}, got {{{}, {}}}", options.size ? (*options.size)[0] : 0,
               options.size ? (*options.size)[1] : 0);
  impl_->path = path;
  impl_->options = options;
  impl_->open();
  for (int64_t i = 0; i < options.start_frame; ++i)
    if (!impl_->next_frame()) break;
  CONVIS_CHECK(impl_->damage.empty() || impl_->decoded == options.start_frame, "VideoReader",
               "expected to reach start_frame {} of '{}', got a movie that broke off after frame {}: {}",
               options.start_frame, path, impl_->decoded, impl_->damage);
  CONVIS_CHECK(impl_->decoded == options.start_frame, "VideoReader",
               "expected start_frame < the frame count of '{}', got start_frame {} and {} frames",
               path, options.start_frame, impl_->decoded);
}

VideoReader::~VideoReader() = default;

Tensor VideoReader::get(int64_t n) {
  Impl& m = *impl_;
  CONVIS_CHECK(n >= 0, "VideoReader", "expected a frame count n >= 0, got {}", n);
  CONVIS_CHECK(m.damage.empty(), "VideoReader", "expected a readable movie, got '{}', which broke off after frame {}: {}",
               m.path, m.decoded, m.damage);
  if (m.options.max_frames) n = std::min(n, *m.options.max_frames - m.handed_out);
  const int64_t channels = m.options.rgb ? 3 : 1, frame_values = channels * m.height * m.width;
  Tensor out = empty({n, channels, m.height, m.width});
  float* data = out.data_ptr<float>();
  int64_t got = 0;
  while (got < n && !m.finished) {
    if (!m.next_frame()) {
      m.finished = true;
      break;
    }
    m.convert(data + got * frame_values);
    ++got;
  }
  m.handed_out += got;
  CONVIS_CHECK(m.decoded > 0 || !m.damage.empty() || n == 0, "VideoReader",
               "expected a movie with at least one frame, got '{}', which has none", m.path);
  CONVIS_CHECK(got > 0 || m.damage.empty(), "VideoReader",
               "expected a readable movie, got '{}', which broke off after frame {}: {}", m.path, m.decoded, m.damage);
  Tensor frames = out.narrow(0, 0, got);
  return m.options.rgb ? frames : frames.reshape({got, m.height, m.width});
}

std::optional<int64_t> VideoReader::remaining() const {
  const Impl& m = *impl_;
  if (m.finished) return 0;
  int64_t left = m.known_frames < 0 ? -1 : std::max<int64_t>(m.known_frames - m.decoded, 0);
  if (m.options.max_frames) {
    const int64_t allowed = *m.options.max_frames - m.handed_out;
    left = left < 0 ? allowed : std::min(left, allowed);
  }
  if (left < 0) return std::nullopt;
  return left;
}

std::array<int64_t, 2> VideoReader::frame_size() const { return {impl_->height, impl_->width}; }

double VideoReader::fps() const {
  const AVStream* s = impl_->format.get()->streams[impl_->stream];
  const AVRational r = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
  return r.den > 0 ? av_q2d(r) : 0.0;
}

int64_t VideoReader::frames_read() const { return impl_->handed_out; }

#else  // CONVIS_WITH_VIDEO

struct VideoReader::Impl {};

VideoReader::VideoReader(const std::string& path, const VideoReaderOptions&) {
  throw Error(fmt::format("[VideoReader] expected a build with FFmpeg (CONVIS_VIDEO=ON) to read '{}', got one "
                          "without", path));
}
VideoReader::~VideoReader() = default;
Tensor VideoReader::get(int64_t) { return {}; }
std::optional<int64_t> VideoReader::remaining() const { return 0; }
std::array<int64_t, 2> VideoReader::frame_size() const { return {0, 0}; }
double VideoReader::fps() const { return 0; }
int64_t VideoReader::frames_read() const { return 0; }

#endif  // CONVIS_WITH_VIDEO

}  // namespace convis::streams
