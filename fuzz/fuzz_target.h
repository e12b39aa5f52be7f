// fuzz/fuzz_target.h: one way to write a fuzz target, two ways to run it.
//
//   // fuzz/targets/npy.cpp
//   #include "fuzz_target.h"
//   CONVIS_FUZZ_TARGET(npy, data) {                 // data: std::string_view of the input
//     convis::load_npy(fuzz::input_file(data, "npy"));
//   }
//
// Note [Fuzz targets]
// A target feeds one input to a parser of the library and returns.  A convis::Error is the
// answer expected for a bad input, so the macro catches it; anything else escaping (another
// exception, a crash, a sanitizer report, a leak, an allocation above libFuzzer's
// -malloc_limit_mb) is a finding.  The same source is built two ways:
//   - with clang and libFuzzer (CONVIS_FUZZ, scripts/fuzz.sh): CONVIS_FUZZ_LIBFUZZER is defined
//     and the macro defines LLVMFuzzerTestOneInput, one executable per target;
//   - with the normal build (g++, and under ASan+UBSan in scripts/sanitize.sh): the macro
//     registers the target by name in one program, fuzz/replay.cpp, which runs the seed
//     corpus, the regression inputs (every crash found) and deterministic mutations of the
//     seeds -- the smoke run of every target that the test suite does (CTest fuzz/<name>).
// The loaders take paths, so input_file writes the input to a file of the process's own,
// in /dev/shm when it exists (a tmpfs: no disk) and $TMPDIR or /tmp otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "convis/core/error.h"

namespace fuzz {

// Writes `data` to this process's input file for `extension` and returns its path.
std::string input_file(std::string_view data, const std::string& extension);

using Target = void (*)(std::string_view);
std::map<std::string, Target>& targets();

// The seed writer of each target (fuzz/seeds.cpp): writes its seed files into a folder.
const std::map<std::string, void (*)(const std::string&)>& seed_writers();

struct Registration {
  Registration(const char* name, Target fn) { targets()[name] = fn; }
};

// Runs the target on one input: a convis::Error is a handled bad input (true), anything else
// propagates.
inline bool run_one(Target fn, std::string_view data) {
  try {
    fn(data);
    return false;
  } catch (const convis::Error&) {
    return true;
  }
}

}  // namespace fuzz

#ifdef CONVIS_FUZZ_LIBFUZZER
#define CONVIS_FUZZ_TARGET(name, data)                                                  \
  static void fuzz_##name(std::string_view data);                                      \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {            \
    fuzz::run_one(fuzz_##name, std::string_view(reinterpret_cast<const char*>(bytes), size)); \
    return 0;                                                                           \
  }                                                                                     \
  static void fuzz_##name(std::string_view data)
#else
#define CONVIS_FUZZ_TARGET(name, data)                                      \
  static void fuzz_##name(std::string_view data);                          \
  static const fuzz::Registration fuzz_registration_##name(#name, fuzz_##name); \
  static void fuzz_##name(std::string_view data)
#endif
