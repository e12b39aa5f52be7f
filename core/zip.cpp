// core/zip.cpp: a stored-only ZIP writer and a validating ZIP directory reader (see Note [A minimal zip]).
#include "convis/core/zip.h"

#include <array>

#include "convis/core/error.h"

namespace convis::zip {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22, kEnd64Size = 56, kLocatorSize = 20;
constexpr uint16_t kVersion = 20;     // 2.0: stored and deflated members
constexpr uint16_t kDosDate = 0x21;   // 1980-01-01: the archive's bytes do not depend on the clock
constexpr uint16_t kUtf8Flag = 1 << 11;

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

void put16(std::string& out, uint32_t v) {
  out.push_back(char(v & 0xff));
  out.push_back(char((v >> 8) & 0xff));
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

// Little-endian reads; the caller has checked that the bytes exist.
uint64_t get(std::string_view s, uint64_t pos, int nbytes) {
  uint64_t v = 0;
  for (int i = nbytes - 1; i >= 0; --i) v = (v << 8) | uint8_t(s[size_t(pos) + size_t(i)]);
  return v;
}

// a + b <= limit, without overflow.
bool fits(uint64_t a, uint64_t b, uint64_t limit) { return a <= limit && b <= limit - a; }

struct Directory {
  uint64_t count = 0, offset = 0, size = 0;
};

// Reads the zip64 end-of-central-directory record that the locator before `end_pos` points to.
Directory read_zip64_end(std::string_view s, uint64_t end_pos, const char* op) {
  CONVIS_CHECK(end_pos >= kLocatorSize && get(s, end_pos - kLocatorSize, 4) == kEnd64LocatorSig, op,
               "expected a zip64 end-of-central-directory locator, got none (archive is truncated or malformed)");
  uint64_t rec = get(s, end_pos - kLocatorSize + 8, 8);
  CONVIS_CHECK(fits(rec, kEnd64Size, end_pos - kLocatorSize) && get(s, rec, 4) == kEnd64Sig, op,
               "expected a zip64 end-of-central-directory record at offset {}, got none (archive size {})", rec,
               s.size());
  CONVIS_CHECK(get(s, rec + 16, 4) == 0 && get(s, rec + 20, 4) == 0, op,
               "expected a single-disk archive, got a multi-disk zip64 archive");
  return {get(s, rec + 32, 8), get(s, rec + 48, 8), get(s, rec + 40, 8)};
}

Directory read_end(std::string_view s, const char* op) {
  CONVIS_CHECK(s.size() >= kEndSize, op, "expected a zip archive, got {} bytes (too short for one)", s.size());
  uint64_t lowest = s.size() > kEndSize + 0xffff ? s.size() - kEndSize - 0xffff : 0;
  uint64_t pos = s.size() - kEndSize;
  while (get(s, pos, 4) != kEndSig) {
    CONVIS_CHECK(pos > lowest, op, "expected a zip archive, got no end-of-central-directory record");
    --pos;
  }
  CONVIS_CHECK(get(s, pos + 4, 2) == 0 && get(s, pos + 6, 2) == 0, op,
               "expected a single-disk archive, got a multi-disk one");
  Directory d{get(s, pos + 10, 2), get(s, pos + 16, 4), get(s, pos + 12, 4)};
  if (d.count == 0xffff || d.offset == 0xffffffff || d.size == 0xffffffff) d = read_zip64_end(s, pos, op);
  CONVIS_CHECK(fits(d.offset, d.size, pos), op,
               "expected the central directory inside the archive, got offset {} size {} (archive size {})",
               d.offset, d.size, s.size());
  CONVIS_CHECK(d.count <= d.size / kCentralSize, op,
               "expected at most {} members in a {}-byte central directory, got a count of {}",
               d.size / kCentralSize, d.size, d.count);
  return d;
}

// Replaces the 0xFFFFFFFF fields of `e` by the values in a zip64 extra field (tag 1).
void apply_zip64_extra(std::string_view extra, Entry& e, uint64_t& local, const char* op) {
  uint64_t p = 0;
  while (p + 4 <= extra.size()) {
    uint64_t tag = get(extra, p, 2), len = get(extra, p + 2, 2);
    CONVIS_CHECK(fits(p + 4, len, extra.size()), op, "member '{}': extra field runs past its end", e.name);
    if (tag == 1) {
      uint64_t q = p + 4, end = p + 4 + len;
      for (uint64_t* field : {&e.uncompressed_size, &e.compressed_size, &local}) {
        if (*field != 0xffffffff) continue;
        CONVIS_CHECK(q + 8 <= end, op, "member '{}': zip64 extra field too short", e.name);
        *field = get(extra, q, 8);
        q += 8;
      }
    }
    p += 4 + len;
  }
}

// Parses the central-directory entry at `p` (below `end`); returns the entry and moves p on.
Entry read_entry(std::string_view s, uint64_t& p, uint64_t end, const char* op) {
  CONVIS_CHECK(fits(p, kCentralSize, end) && get(s, p, 4) == kCentralSig, op,
               "expected a central directory entry at offset {}, got none (archive is malformed)", p);
  uint64_t name_len = get(s, p + 28, 2), extra_len = get(s, p + 30, 2), comment_len = get(s, p + 32, 2);
  CONVIS_CHECK(fits(p + kCentralSize, name_len + extra_len + comment_len, end), op,
               "central directory entry at offset {} runs past the directory's end", p);
  Entry e;
  e.name = std::string(s.substr(size_t(p + kCentralSize), size_t(name_len)));
  e.flags = uint16_t(get(s, p + 8, 2));
  e.method = uint16_t(get(s, p + 10, 2));
  e.crc = uint32_t(get(s, p + 16, 4));
  e.compressed_size = get(s, p + 20, 4);
  e.uncompressed_size = get(s, p + 24, 4);
  uint64_t local = get(s, p + 42, 4);
  apply_zip64_extra(s.substr(size_t(p + kCentralSize + name_len), size_t(extra_len)), e, local, op);
  p += kCentralSize + name_len + extra_len + comment_len;

  CONVIS_CHECK(fits(local, kLocalSize, s.size()) && get(s, local, 4) == kLocalSig, op,
               "member '{}': expected a local header at offset {}, got none (archive size {})", e.name, local,
               s.size());
  uint64_t data = local + kLocalSize + get(s, local + 26, 2) + get(s, local + 28, 2);
  CONVIS_CHECK(fits(data, e.compressed_size, s.size()), op,
               "member '{}': expected its {} bytes at offset {} inside the archive, got an archive of {} bytes",
               e.name, e.compressed_size, data, s.size());
  e.data_offset = data;
  return e;
}

}  // namespace

uint32_t crc32(std::string_view data, uint32_t crc) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  crc = ~crc;
  for (char ch : data) crc = table[(crc ^ uint8_t(ch)) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string write_stored(const std::vector<std::pair<std::string, std::string>>& members, const char* op) {
  CONVIS_CHECK(members.size() < 0xffff, op, "expected fewer than 65535 members, got {}", members.size());
  std::string out, central;
  for (const auto& member : members) {
    const std::string& name = member.first;  // not a structured binding: the lambda below uses it
    const std::string& contents = member.second;
    CONVIS_CHECK(!name.empty() && name.size() < 0xffff, op, "expected a member name of 1 to 65534 bytes, got {}",
                 name.size());
    CONVIS_CHECK(out.size() + kLocalSize + name.size() + contents.size() < 0xffffffffu, op,
                 "expected an archive under 4 GiB (zip64 is not written), member '{}' goes past it", name);
    bool ascii = true;
    for (char c : name) ascii = ascii && uint8_t(c) < 0x80;
    uint32_t flags = ascii ? 0 : kUtf8Flag;
    uint32_t crc = crc32(contents), size = uint32_t(contents.size()), offset = uint32_t(out.size());
    auto common = [&](std::string& h) {  // version needed .. extra length: the same in both headers
      put16(h, kVersion), put16(h, flags), put16(h, kStored), put16(h, 0), put16(h, kDosDate);
      put32(h, crc), put32(h, size), put32(h, size), put16(h, uint32_t(name.size())), put16(h, 0);
    };
    put32(out, kLocalSig);
    common(out);
    out += name;
    out += contents;
    put32(central, kCentralSig);
    put16(central, kVersion);  // made by
    common(central);
    put16(central, 0), put16(central, 0), put16(central, 0), put32(central, 0);  // comment, disk, attributes
    put32(central, offset);
    central += name;
  }
  CONVIS_CHECK(out.size() + central.size() < 0xffffffffu, op,
               "expected an archive under 4 GiB (zip64 is not written), got {} bytes", out.size() + central.size());
  uint32_t central_offset = uint32_t(out.size());
  out += central;
  put32(out, kEndSig);
  put16(out, 0), put16(out, 0);  // this disk, the directory's disk
  put16(out, uint32_t(members.size())), put16(out, uint32_t(members.size()));
  put32(out, uint32_t(central.size())), put32(out, central_offset), put16(out, 0);
  return out;
}

std::vector<Entry> read_directory(std::string_view archive, const char* op) {
  Directory d = read_end(archive, op);
  std::vector<Entry> entries;
  entries.reserve(size_t(d.count));
  uint64_t p = d.offset, end = d.offset + d.size;
  for (uint64_t i = 0; i < d.count; ++i) entries.push_back(read_entry(archive, p, end, op));
  return entries;
}

}  // namespace convis::zip
