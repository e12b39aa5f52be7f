// core/atomic_write.cpp: write_file_atomically (Note [Atomic saves] in core/io.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "convis/core/error.h"
#include "convis/core/io.h"

namespace convis {

namespace {

std::string errno_text(int code) { return std::strerror(code); }

// A name in the target's folder that no other writer (thread or process) picks.
std::filesystem::path temporary_name(const std::filesystem::path& target) {
  static std::atomic<unsigned long> counter{0};
  return target.parent_path() / fmt::format(".{}.tmp-{}-{}", target.filename().string(), getpid(), counter.fetch_add(1));
}

// All of `bytes` to fd, through partial writes and interrupted calls; errno on failure, with
// the byte count written so far in `written`.
int write_all(int fd, std::string_view bytes, size_t& written) {
  written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    written += size_t(n);
  }
  return 0;
}

// The folder's entry is durable only once the folder itself is flushed (best effort: some
// filesystems refuse fsync on a folder).
void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes, const char* op) {
  CONVIS_CHECK(!path.empty(), op, "expected a file name, got an empty path");
  std::filesystem::path target(path);
  std::error_code ec;
  if (std::filesystem::is_symlink(target, ec)) target = std::filesystem::weakly_canonical(target, ec);  // write where it points
  const std::filesystem::path temp = temporary_name(target);
  struct stat old {};
  const bool existed = ::stat(target.c_str(), &old) == 0;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existed ? (old.st_mode & 07777) : 0666);
  CONVIS_CHECK(fd >= 0, op, "expected a writable folder for '{}', got: {}", path, errno_text(errno));
  size_t written = 0;
  int failure = write_all(fd, bytes, written);
  if (failure == 0 && ::fsync(fd) != 0) failure = errno;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (failure == 0 && ::rename(temp.c_str(), target.c_str()) != 0) failure = errno;
  if (failure != 0) {
    ::unlink(temp.c_str());
    CONVIS_CHECK(false, op, "expected to write {} bytes to '{}', got a failure after {} bytes: {} (the file there "
                 "before, if any, is unchanged)", bytes.size(), path, written, errno_text(failure));
  }
  sync_folder(target.parent_path());
}

}  // namespace convis
