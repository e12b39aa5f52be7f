// tests/convis/raw_movie.cpp: see raw_movie.h.  Written with libavformat directly: raw video
// needs no encoder, each frame is one packet of the pixel format's bytes.
#include "convis/raw_movie.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef CONVIS_WITH_VIDEO
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}
#endif

namespace convis::testing {

#ifdef CONVIS_WITH_VIDEO

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("write_raw_movie: ") + what);
}

void write_frames(AVFormatContext* out, int64_t frames, int frame_bytes) {
  for (int64_t i = 0; i < frames; ++i) {
    AVPacket* packet = av_packet_alloc();
    check(packet != nullptr && av_new_packet(packet, frame_bytes) == 0, "packet");
    std::fill(packet->data, packet->data + frame_bytes, uint8_t(0x80));
    packet->pts = packet->dts = i;
    packet->duration = 1;
    packet->flags |= AV_PKT_FLAG_KEY;
    const int written = av_interleaved_write_frame(out, packet);
    av_packet_free(&packet);
    check(written == 0, "frame");
  }
}

}  // namespace

bool write_raw_movie(const std::string& path, const std::string& pixel_format, int64_t frames, int width, int height) {
  const AVPixelFormat format = av_get_pix_fmt(pixel_format.c_str());
  check(format != AV_PIX_FMT_NONE, "unknown pixel format");
  AVFormatContext* out = nullptr;
  check(avformat_alloc_output_context2(&out, nullptr, "nut", path.c_str()) >= 0, "context");
  AVStream* stream = avformat_new_stream(out, nullptr);
  check(stream != nullptr, "stream");
  stream->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  stream->codecpar->codec_id = AV_CODEC_ID_RAWVIDEO;
  stream->codecpar->format = format;
  stream->codecpar->width = width;
  stream->codecpar->height = height;
  stream->codecpar->codec_tag = avcodec_pix_fmt_to_codec_tag(format);
  stream->time_base = AVRational{1, 25};
  check(avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE) >= 0, "open");
  check(avformat_write_header(out, nullptr) >= 0, "header");
  write_frames(out, frames, av_image_get_buffer_size(format, width, height, 1));
  av_write_trailer(out);
  avio_closep(&out->pb);
  avformat_free_context(out);
  return true;
}

#else

bool write_raw_movie(const std::string&, const std::string&, int64_t, int, int) { return false; }

#endif

}  // namespace convis::testing
