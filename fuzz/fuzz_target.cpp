// fuzz/fuzz_target.cpp: the input file and the registry of fuzz/fuzz_target.h.
#include "fuzz_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace fuzz {

std::string input_file(std::string_view data, const std::string& extension) {
  static const std::string folder = [] {
    if (std::filesystem::is_directory("/dev/shm")) return std::string("/dev/shm");
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp");
  }();
  const std::string path = folder + "/convis-fuzz-" + std::to_string(getpid()) + "." + extension;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) std::abort();  // the harness itself is broken: not a finding in the library
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) std::abort();
    done += size_t(n);
  }
  close(fd);
  return path;
}

std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> all;
  return all;
}

}  // namespace fuzz
