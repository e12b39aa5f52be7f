// Every save is atomic (Note [Atomic saves] in core/io.h): a failed write -- a file size limit,
// a full filesystem, a folder that cannot be written -- throws an Error naming the file and the
// reason, and the file saved before is unchanged; no temporary file is left behind; a new save
// keeps the old file's permissions and follows a symbolic link.
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "helpers.h"


using namespace convis;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

fs::path scratch_folder(const std::string& name) {
  fs::path folder = fs::temp_directory_path() / ("convis_atomic_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// Files in `folder` other than `keep` (a temporary file left behind would show here).
int other_files(const fs::path& folder, const std::string& keep) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(folder)) n += entry.path().filename() != keep;
  return n;
}

// While alive, the process may not write files beyond `bytes` (write() then fails with EFBIG
// instead of raising SIGXFSZ): an injected write failure the operating system itself makes.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &before_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = before_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &before_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit before_{};
  sighandler_t old_handler_ = SIG_DFL;
};

struct Saver {
  std::string name, file;
  std::function<void(const std::string&, const Tensor&)> save;
  std::function<Tensor(const std::string&)> load;
};

std::vector<Saver> savers() {
  return {
      {"save_npy", "x.npy", [](const std::string& p, const Tensor& t) { save_npy(p, t); },
       [](const std::string& p) { return load_npy(p); }},
      {"save_npz", "x.npz", [](const std::string& p, const Tensor& t) { save_npz(p, {{"x", t}}); },
       [](const std::string& p) { return load_npz(p).at("x"); }},
      {"save_safetensors", "x.safetensors",
       [](const std::string& p, const Tensor& t) {
         TensorDict d("Tensor");
         d.insert("x", t);
         save_safetensors(p, d);
       },
       [](const std::string& p) { return load_safetensors(p)["x"]; }},
      {"save_inr", "x.inr", [](const std::string& p, const Tensor& t) { save_inr(p, t.reshape({-1, 10, 10})); },
       [](const std::string& p) { return load_inr(p).reshape({-1}); }},
  };
}

}  // namespace

TEST_CASE("saves: a write that fails leaves the file saved before intact and no temporary file", "[io][atomic]") {
  const fs::path folder = scratch_folder("limit");
  const Tensor small = arange(100, kFloat32), big = randn({200000});
  for (const Saver& s : savers()) {
    INFO(s.name);
    const std::string path = (folder / s.file).string();
    s.save(path, small);
    {
      FileSizeLimit limit(64 * 1024);  // the big tensor needs 800 kB
      CHECK_THROWS_WITH(s.save(path, big), Contains("[" + s.name + "] expected to write ") && Contains(path) &&
                                                Contains("File too large") && Contains("unchanged"));
    }
    CHECK(equal(s.load(path).reshape({-1}), small));
    CHECK(other_files(folder, s.file) == 0);
    s.save(path, big);  // without the limit it goes through
    CHECK(equal(s.load(path).reshape({-1}), big.reshape({-1})));
    fs::remove(path);
  }
  fs::remove_all(folder);
}

TEST_CASE("saves: a full filesystem fails the write, not the file saved before", "[io][atomic]") {
  const fs::path folder = scratch_folder("full");
  if (mount("tmpfs", folder.c_str(), "tmpfs", 0, "size=64k") != 0) {
    WARN("cannot mount a small tmpfs here (not root?): the full-filesystem case is skipped");
    fs::remove_all(folder);
    return;
  }
  const std::string path = (folder / "weights.npy").string();
  save_npy(path, ones({1000}));
  CHECK_THROWS_WITH(save_npy(path, ones({100000})), Contains("No space left on device") && Contains("weights.npy"));
  CHECK(equal(load_npy(path), ones({1000})));
  CHECK(other_files(folder, "weights.npy") == 0);
  umount(folder.c_str());
  fs::remove_all(folder);
}

TEST_CASE("saves: an unwritable folder, kept permissions, a symbolic link followed", "[io][atomic]") {
  const fs::path folder = scratch_folder("modes");
  CHECK_THROWS_WITH(save_npy((folder / "missing" / "x.npy").string(), ones({2})),
                    Contains("[save_npy] expected a writable folder for") && Contains("No such file or directory"));
  CHECK_THROWS_WITH(write_file_atomically("", "x"), Contains("expected a file name, got an empty path"));
  const fs::path file = folder / "x.npy";
  save_npy(file.string(), ones({2}));
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  save_npy(file.string(), zeros({3}));
  CHECK(fs::status(file).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  const fs::path link = folder / "link.npy";
  fs::create_symlink(file, link);
  save_npy(link.string(), full({4}, 7.0));
  CHECK(fs::is_symlink(link));
  CHECK(equal(load_npy(file.string()), full({4}, 7.0)));
  fs::remove_all(folder);
}

TEST_CASE("saves: Module::save and a Layer's save_parameters are atomic too", "[io][atomic]") {
  const fs::path folder = scratch_folder("modules");
  nn::Linear linear(300, 300);
  const std::string weights = (folder / "linear.safetensors").string();
  linear->save(weights);
  const Tensor before = linear->weight.detach().clone();
  {
    NoGradGuard no_grad;
    linear->weight.add_(1.0);
  }
  {
    FileSizeLimit limit(16 * 1024);
    CHECK_THROWS_WITH(linear->save(weights), Contains("[save_safetensors]") && Contains("File too large"));
  }
  nn::Linear loaded(300, 300);
  loaded->load(weights);
  CHECK(equal(loaded->weight, before));
  filters::Conv3d conv(1, 1, Shape{50, 20, 20});
  const std::string parameters = (folder / "conv.npz").string();
  conv->save_parameters(parameters);
  {
    FileSizeLimit limit(4 * 1024);
    CHECK_THROWS_WITH(conv->save_parameters(parameters), Contains("File too large"));
  }
  CHECK(conv->load_parameters(parameters).empty());
  CHECK(other_files(folder, "conv.npz") == 1);  // linear.safetensors, and nothing else
  fs::remove_all(folder);
}
