// core/zip.h: the small part of the ZIP format that .npz files need (internal to core/io.cpp).
//
//   std::string archive = zip::write_stored({{"a.npy", bytes_a}, {"b.npy", bytes_b}});
//   for (const zip::Entry& e : zip::read_directory(archive, "load_npz"))
//     if (e.method == zip::kStored) use(archive.substr(e.data_offset, e.compressed_size));
//   zip::crc32("123456789") == 0xCBF43926
//
// Note [A minimal zip]
// An .npz is a ZIP archive of NAME.npy members.  We write members with the "stored" method
// (no compression), each preceded by a 30-byte local header and listed again in the central
// directory at the end, closed by the 22-byte end-of-central-directory record.  Reading trusts
// only the central directory for sizes (local headers may say 0 or 0xFFFFFFFF when the writer
// streamed, as Python's zipfile does with force_zip64), and checks every offset and length
// against the archive's size before it touches a byte.  Deflated members are listed with their
// method so that the caller can refuse them by name; we carry no inflater.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convis::zip {

inline constexpr uint16_t kStored = 0;
inline constexpr uint16_t kDeflated = 8;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), continuing from `crc`.
uint32_t crc32(std::string_view data, uint32_t crc = 0);

// The bytes of an archive holding each (name, contents) stored uncompressed.
// `op` names the caller in errors (archive over 4 GiB, too many members, name too long).
std::string write_stored(const std::vector<std::pair<std::string, std::string>>& members, const char* op);

struct Entry {
  std::string name;
  uint16_t method = 0;
  uint16_t flags = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t data_offset = 0;  // where the member's (compressed) bytes start in the archive
};

// The members of `archive`, validated: every data range lies inside the archive.
// Throws convis::Error "[op] ..." on anything malformed.
std::vector<Entry> read_directory(std::string_view archive, const char* op);

}  // namespace convis::zip
