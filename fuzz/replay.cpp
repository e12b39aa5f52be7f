// fuzz/replay.cpp: runs fuzz targets without libFuzzer (Note [Fuzz targets]): every file
// given (seeds, regressions), then deterministic mutations of each.
//
//   convis-fuzz-replay npy --mutations 2000 fuzz/corpus/npy fuzz/regressions/npy
//   npy: 14 files, 28000 mutants, 26510 refused with an Error, peak 1.2 MiB, 0.9 s
//
// A finding (an exception other than convis::Error, or memory above the limit) writes the
// input to ./fuzz-finding-<target>-<n> and exits 1; a crash or a sanitizer report ends the
// process as it would under libFuzzer.  Memory: a loader may hold what its input describes
// and no more, so the peak of live CPU memory during one input must stay under
// 64 MiB + 16 x the input's size (a header claiming a terabyte must be an Error before
// anything is allocated).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "convis/core/allocator.h"
#include "fuzz_target.h"

namespace {

struct Random {  // xorshift64*: the same mutants on every machine
  uint64_t s;
  uint64_t next() {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
  size_t below(size_t n) { return n == 0 ? 0 : size_t(next() % n); }
};

const char* const kNumbers[] = {"0", "-1", "1", "99999999999999999999", "4294967296", "2147483648", "-9223372036854775808",
                                "1e308", "nan", "inf", "18446744073709551615", "65536", "3"};
const uint64_t kWords[] = {0, ~0ull, 0x7FFFFFFFull, 0x80000000ull, 0xFFFFFFFFull, 1ull << 32, ~0ull >> 1, 1ull << 40, 255};
const char kBytes[] = {0, 1, 0x7F, char(0x80), char(0xFF), '9', '-', '"', '{', '}', ',', ':', '<', '>', '[', ']', '\n', '&'};

// One of eight edits at a random place (Note [Fuzz targets]).
void mutate_once(std::string& s, Random& r) {
  const size_t at = r.below(s.size() + 1);
  switch (r.below(8)) {
    case 0:
      if (!s.empty()) s[at % s.size()] ^= char(1 << r.below(8));
      break;
    case 1:
      if (!s.empty()) s[at % s.size()] = kBytes[r.below(sizeof kBytes)];
      break;
    case 2: s.resize(at); break;
    case 3: {  // an interesting integer over 4 or 8 bytes, little-endian
      const uint64_t w = kWords[r.below(std::size(kWords))];
      const size_t n = r.below(2) ? 8 : 4;
      if (s.size() >= n) std::memcpy(s.data() + std::min(at, s.size() - n), &w, n);
      break;
    }
    case 4: s.erase(at, r.below(s.size() - at + 1)); break;
    case 5: {  // a copy of a range, inserted elsewhere
      const size_t from = r.below(s.size() + 1), len = r.below(std::min<size_t>(s.size() - from, 256) + 1);
      s.insert(at, s.substr(from, len));
      break;
    }
    case 6: {  // a number in text replaced
      size_t d = s.find_first_of("0123456789", at);
      if (d == std::string::npos) d = s.find_first_of("0123456789");
      if (d == std::string::npos) break;
      const size_t end = std::min(s.find_first_not_of("0123456789.eE+-", d), s.size());
      s.replace(d, end - d, kNumbers[r.below(std::size(kNumbers))]);
      break;
    }
    default:
      for (size_t n = r.below(16) + 1; n > 0; --n) s.insert(s.begin() + std::ptrdiff_t(at), char(r.next()));
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Tally {
  int64_t runs = 0, refused = 0, peak = 0;
};

// Runs one input; false (after writing it out) on a finding.
bool run_checked(const std::string& name, fuzz::Target fn, const std::string& input, Tally& tally) {
  convis::reset_peak_cpu_memory();
  const int64_t base = convis::cpu_memory_stats().live_bytes;
  std::string what;
  try {
    tally.refused += fuzz::run_one(fn, input);
  } catch (const std::exception& e) {
    what = std::string("an exception that is not a convis::Error: ") + e.what();
  }
  const int64_t used = convis::cpu_memory_stats().peak_bytes - base;
  tally.peak = std::max(tally.peak, used);
  ++tally.runs;
  if (what.empty() && used > (int64_t(64) << 20) + 16 * int64_t(input.size()))
    what = "a peak of " + std::to_string(used) + " bytes for an input of " + std::to_string(input.size());
  if (what.empty()) return true;
  const std::string out = "fuzz-finding-" + name + "-" + std::to_string(tally.runs);
  std::ofstream(out, std::ios::binary) << input;
  std::fprintf(stderr, "%s: %s (input written to %s)\n", name.c_str(), what.c_str(), out.c_str());
  return false;
}

}  // namespace

// --write-seeds DIR: every target's seeds into DIR/<target>/.
int write_seeds(const std::string& dir) {
  for (const auto& [name, write] : fuzz::seed_writers()) {
    std::filesystem::create_directories(dir + "/" + name);
    write(dir + "/" + name);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-seeds") == 0) return write_seeds(argv[2]);
  if (argc < 2 || fuzz::targets().count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s <target> [--mutations N] [--seed S] <file or folder>...\n       %s --write-seeds DIR\ntargets:", argv[0], argv[0]);
    for (const auto& [name, fn] : fuzz::targets()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  const std::string name = argv[1];
  const fuzz::Target fn = fuzz::targets()[name];
  int64_t mutations = 0;
  uint64_t seed = 1;
  std::vector<std::filesystem::path> files;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::stoll(argv[++i]);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i]))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::exists(argv[i])) {
      files.push_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  const auto start = std::chrono::steady_clock::now();
  Tally tally;
  for (const auto& f : files) {
    const std::string original = read_file(f);
    if (!run_checked(name, fn, original, tally)) return 1;
    uint64_t h = 14695981039346656037ull;  // FNV-1a of the file name: each file its own mutants
    for (char c : f.filename().string()) h = (h ^ uint8_t(c)) * 1099511628211ull;
    Random r{seed * 0x9E3779B97F4A7C15ull + h + 1};
    for (int64_t m = 0; m < mutations; ++m) {
      std::string s = original;
      for (size_t edits = r.below(3) + 1; edits > 0; --edits) mutate_once(s, r);
      if (!run_checked(name, fn, s, tally)) return 1;
    }
  }
  std::filesystem::remove(fuzz::input_file("", "npy"));  // the input files this process wrote
  for (const char* ext : {"npz", "safetensors", "inr"}) std::filesystem::remove(fuzz::input_file("", ext));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu files, %lld runs, %lld refused with an Error, peak %.1f MiB, %.1f s\n", name.c_str(),
              files.size(), static_cast<long long>(tally.runs), static_cast<long long>(tally.refused),
              double(tally.peak) / (1 << 20), seconds);
  if (files.empty()) {
    std::fprintf(stderr, "%s: no input files given\n", name.c_str());
    return 1;
  }
  return 0;
}
