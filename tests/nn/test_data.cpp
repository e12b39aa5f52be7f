// tests/nn/test_data.cpp: the data pipeline (nn/data/): samplers, datasets, transforms and the
// loader with its workers (Note [Samplers], Note [Datasets], Note [Data loader]).
#include "helpers.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "convis/nn/data/data.h"

using namespace convis;
using namespace convis::data;
using convis_test::same_bits;

namespace {

std::vector<size_t> drain(samplers::Sampler& s, size_t batch) {
  std::vector<size_t> all;
  while (auto b = s.next(batch)) all.insert(all.end(), b->begin(), b->end());
  return all;
}

std::vector<size_t> iota(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Examples whose data is their index, that can throw at one index, count calls and sleep.
class Probe : public datasets::Dataset<Probe, Example<>> {
 public:
  explicit Probe(size_t n, std::optional<size_t> throw_at = std::nullopt, int sleep_us = 0)
      : n_(n), throw_at_(throw_at), sleep_us_(sleep_us), calls_(std::make_shared<std::atomic<int>>(0)) {}
  Example<> get(size_t i) override {
    ++*calls_;
    if (sleep_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
    CONVIS_CHECK(!throw_at_ || i != *throw_at_, "Probe", "expected another index, got {}", i);
    return {full({2}, double(i), kFloat64), scalar_tensor(int64_t(i) % 3, kInt64)};
  }
  std::optional<size_t> size() const override { return n_; }
  std::shared_ptr<std::atomic<int>> calls() const { return calls_; }

 private:
  size_t n_;
  std::optional<size_t> throw_at_;
  int sleep_us_;
  std::shared_ptr<std::atomic<int>> calls_;
};

// The examples' indices of every batch of one epoch.
template <typename Loader>
std::vector<std::vector<int64_t>> epoch(Loader& loader) {
  std::vector<std::vector<int64_t>> out;
  for (Example<>& batch : loader) {
    std::vector<int64_t> ids;
    for (int64_t k = 0; k < batch.data.size(0); ++k) ids.push_back(int64_t(batch.data[k][0].template item<double>()));
    out.push_back(ids);
  }
  return out;
}

}  // namespace

TEST_CASE("samplers: sequential, random (seeded, a new order each epoch), batches and sizes", "[data]") {
  samplers::SequentialSampler seq(7);
  CHECK(drain(seq, 3) == iota(7));
  seq.reset(4);
  CHECK(drain(seq, 10) == iota(4));
  samplers::RandomSampler r(50, /*seed=*/7), same(50, 7), other(50, 8);
  const std::vector<size_t> first = drain(r, 8);
  std::vector<size_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == iota(50));    // a permutation
  CHECK(first != iota(50));     // not the identity
  CHECK(drain(same, 3) == first);  // the seed decides, not the batch size or other draws
  CHECK(drain(other, 8) != first);
  r.reset();
  const std::vector<size_t> second = drain(r, 8);
  CHECK(second != first);  // the next epoch
  same.reset();
  CHECK(drain(same, 5) == second);  // ... the same on every run
  samplers::RandomSampler empty(0);
  CHECK_FALSE(empty.next(4).has_value());
  CHECK_THROWS_WITH(seq.next(0), Catch::Contains("[Sampler] expected a batch size of at least 1, got 0"));
}

TEST_CASE("distributed samplers: every example once per epoch across the ranks, padding documented", "[data]") {
  for (size_t n : {0, 1, 5, 10, 11, 12}) {
    for (size_t replicas : {1, 2, 3, 4}) {
      for (bool shuffle : {false, true}) {
        for (bool duplicates : {true, false}) {
          INFO("n " << n << " replicas " << replicas << " shuffle " << shuffle << " duplicates " << duplicates);
          std::multiset<size_t> seen;
          for (size_t rank = 0; rank < replicas; ++rank) {
            samplers::DistributedSampler s(n, replicas, rank, duplicates, shuffle, /*seed=*/3);
            s.set_epoch(2);
            s.reset();
            const std::vector<size_t> mine = drain(s, 4);
            CHECK(mine.size() == (duplicates ? (n + replicas - 1) / replicas : n / replicas));
            seen.insert(mine.begin(), mine.end());
          }
          const std::set<size_t> distinct(seen.begin(), seen.end());
          if (duplicates) {
            CHECK(distinct.size() == n);                    // nothing unseen
            CHECK(seen.size() - n <= replicas - 1);         // at most replicas - 1 seen twice
          } else {
            CHECK(distinct.size() == seen.size());          // nothing twice
            CHECK(n - seen.size() <= replicas - 1);         // at most replicas - 1 unseen
          }
        }
      }
    }
  }
  samplers::DistributedRandomSampler a(20, 2, 0), b(20, 2, 0);
  const std::vector<size_t> e0 = drain(a, 5);
  a.set_epoch(1);
  a.reset();
  CHECK(drain(a, 5) != e0);  // set_epoch gives a new order
  CHECK(drain(b, 5) == e0);  // and the same seed and epoch the same one
  samplers::DistributedSequentialSampler s(7, 3, 2);
  CHECK(drain(s, 9) == std::vector<size_t>{2, 5, 1});  // positions 2, 5, 8 of 0..6 padded with 0, 1
  CHECK_THROWS_WITH(samplers::DistributedRandomSampler(10, 2, 2),
                    Catch::Contains("[DistributedSampler] expected a rank in [0, num_replicas)"));
}

TEST_CASE("TensorDataset, map: Stack, Normalize per channel, Lambda", "[data]") {
  const Tensor x = arange(24, kFloat64).reshape({4, 2, 3}), y = arange(4, kInt64);
  auto ds = datasets::TensorDataset(x, y);
  CHECK(ds.size() == std::optional<size_t>(4));
  Example<> e = ds.get(2);
  CHECK(same_bits(e.data, x[2]));
  CHECK(e.target.item<int64_t>() == 2);
  auto stacked = datasets::TensorDataset(x, y).map(transforms::Stack<>());
  Example<> b = stacked.get_batch({3, 1});
  CHECK(b.data.sizes() == Shape{2, 2, 3});
  CHECK(same_bits(b.data[0], x[3]));
  CHECK(same_bits(b.target, tensor({int64_t(3), int64_t(1)})));
  auto normalized = datasets::TensorDataset(x, y).map(transforms::Normalize<>({1.0, 2.0}, {2.0, 4.0}));
  std::vector<Example<>> n = normalized.get_batch({0});
  CHECK(same_bits(n[0].data[0], (x[0][0] - 1.0) / 2.0));
  CHECK(same_bits(n[0].data[1], (x[0][1] - 2.0) / 4.0));
  auto flipped = datasets::TensorDataset(x, y)
                     .map(transforms::Lambda<Example<>>([](Example<> e) {
                       e.target = e.target + 100;
                       return e;
                     }))
                     .map(transforms::Stack<>());
  CHECK(same_bits(flipped.get_batch({0, 1}).target, tensor({int64_t(100), int64_t(101)})));
  CHECK_THROWS_WITH(datasets::TensorDataset(x, arange(3)), Catch::Contains("[TensorDataset] expected as many targets as examples (4), got 3"));
  CHECK_THROWS_WITH(ds.get(4), Catch::Contains("[TensorDataset] expected an index below 4, got 4"));
  CHECK_THROWS_WITH(transforms::Normalize<>({1.0, 2.0, 3.0}, {1.0, 1.0, 1.0}).apply(e),
                    Catch::Contains("[Normalize] expected data with 3 channels along dim 0, got shape [2, 3]"));
  CHECK_THROWS_WITH(transforms::Normalize<>(0.0, 0.0), Catch::Contains("[Normalize] expected non-zero standard deviations"));
  CHECK_THROWS_WITH(transforms::Normalize<>({0.0, 1.0}, {1.0}),
                    Catch::Contains("[Normalize] expected as many means as standard deviations (at least one), got 2 and 1"));
  CHECK_THROWS_WITH(transforms::Stack<>().apply_batch({}), Catch::Contains("[Stack] expected a batch of at least one example"));
}

TEST_CASE("DataLoader: the same batches in the same order for 0, 1, 2 and 4 workers; drop_last; epochs", "[data]") {
  auto loader_with = [](size_t workers, bool drop_last) {
    return make_data_loader(Probe(23).map(transforms::Stack<>()), samplers::RandomSampler(23, 5),
                            DataLoaderOptions().batch_size(4).workers(workers).drop_last(drop_last));
  };
  auto reference = loader_with(0, false);
  const auto first = epoch(*reference), second = epoch(*reference);
  REQUIRE(first.size() == 6);  // 5 x 4 + 3
  CHECK(first.back().size() == 3);
  CHECK(first != second);      // a new permutation each epoch
  std::multiset<int64_t> all;
  for (const auto& b : first) all.insert(b.begin(), b.end());
  CHECK(all.size() == 23);
  CHECK(std::set<int64_t>(all.begin(), all.end()).size() == 23);
  for (size_t workers : {1, 2, 4}) {
    INFO(workers << " workers");
    auto loader = loader_with(workers, false);
    CHECK(epoch(*loader) == first);
    CHECK(epoch(*loader) == second);
    auto dropping = loader_with(workers, true);
    const auto dropped = epoch(*dropping);
    CHECK(dropped.size() == 5);
    CHECK(std::vector<std::vector<int64_t>>(first.begin(), first.begin() + 5) == dropped);
  }
  // The default sampler is a RandomSampler over the dataset's size (as LibTorch's).
  auto plain = make_data_loader(Probe(5), DataLoaderOptions().batch_size(2));
  size_t examples = 0;
  for (std::vector<Example<>>& batch : *plain) examples += batch.size();
  CHECK(examples == 5);
  CHECK_THROWS_WITH(make_data_loader(Probe(5), DataLoaderOptions().batch_size(0)),
                    Catch::Contains("[DataLoader] expected a batch size of at least 1, got 0"));
  struct Endless : datasets::Dataset<Endless, Example<>> {
    Example<> get(size_t) override { return {}; }
    std::optional<size_t> size() const override { return std::nullopt; }
  };
  CHECK_THROWS_WITH(make_data_loader(Endless()),
                    Catch::Contains("[make_data_loader] expected a dataset that knows its size, got one without"));
  CHECK_THROWS_WITH(make_data_loader(Probe(5), DataLoaderOptions().workers(2).max_jobs(0)),
                    Catch::Contains("[DataLoader] expected max_jobs >= 1, got 0"));
}

TEST_CASE("DataLoader: a worker's exception reaches the caller at its batch; bounded prefetch; stop mid-epoch",
          "[data]") {
  for (size_t workers : {0, 1, 3}) {
    INFO(workers << " workers");
    auto loader = make_data_loader(Probe(20, /*throw_at=*/9).map(transforms::Stack<>()), samplers::SequentialSampler(20),
                                   DataLoaderOptions().batch_size(2).workers(workers));
    std::vector<int64_t> got;
    auto it = loader->begin();
    try {
      for (; it != loader->end(); ++it) got.push_back(int64_t(it->data[0][0].item<double>()));
      FAIL("expected the dataset's error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("[Probe] expected another index, got 9") != std::string::npos);
    }
    CHECK(got == std::vector<int64_t>{0, 2, 4, 6});  // every batch before the failing one, in order
    auto again = loader->begin();  // a new epoch after the error starts from its first batch
    CHECK(again->data[0][0].item<double>() == 0.0);
  }
  // Bounded: with max_jobs 3 and a caller that takes one batch, at most 1 + 3 batches are read.
  Probe slow(400, std::nullopt, /*sleep_us=*/200);
  auto calls = slow.calls();
  {
    auto loader = make_data_loader(std::move(slow), samplers::SequentialSampler(400),
                                   DataLoaderOptions().batch_size(1).workers(4).max_jobs(3));
    auto it = loader->begin();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    CHECK(calls->load() <= 1 + 3);
    ++it;
    // Destroyed here, mid-epoch, with workers busy: no hang, no batch read after the join.
  }
  const int after = calls->load();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(calls->load() == after);
  CHECK(after <= 2 + 3);
}

TEST_CASE("VideoWindows: windows of T frames of a recording and its targets, from tensors or .npy", "[data]") {
  const Tensor movie = arange(10 * 2 * 3, kFloat32).reshape({10, 2, 3}), rates = arange(10, kFloat64).reshape({10, 1});
  datasets::VideoWindows w(movie, rates, /*window=*/4, /*stride=*/3);
  CHECK(w.size() == std::optional<size_t>(3));  // starts 0, 3, 6; 9 would end past frame 10
  Example<> e = w.get(2);
  CHECK(same_bits(e.data, movie.narrow(0, 6, 4)));
  CHECK(same_bits(e.target, rates.narrow(0, 6, 4)));
  auto loader = make_data_loader<samplers::SequentialSampler>(datasets::VideoWindows(movie, rates, 5, 5).map(transforms::Stack<>()),
                                                              DataLoaderOptions().batch_size(2).workers(1));
  int batches = 0;
  for (Example<>& b : *loader) {
    CHECK(b.data.sizes() == Shape{2, 5, 2, 3});
    CHECK(same_bits(b.target[1], rates.narrow(0, 5, 5)));
    ++batches;
  }
  CHECK(batches == 1);
  const std::string dir = std::filesystem::temp_directory_path().string();
  save_npy(dir + "/convis_windows_movie.npy", movie);
  save_npy(dir + "/convis_windows_rates.npy", rates);
  datasets::VideoWindows from_files(dir + "/convis_windows_movie.npy", dir + "/convis_windows_rates.npy", 4, 3);
  CHECK(same_bits(from_files.get(1).data, movie.narrow(0, 3, 4)));
  CHECK_THROWS_WITH(datasets::VideoWindows(movie, rates.narrow(0, 0, 9), 4, 3),
                    Catch::Contains("[VideoWindows] expected one target row per frame (10), got shape [9, 1]"));
  CHECK_THROWS_WITH(datasets::VideoWindows(movie, rates, 11, 1), Catch::Contains("expected 1 <= window <= 10 frames"));
  CHECK_THROWS_WITH(w.get(3), Catch::Contains("[VideoWindows] expected a window index below 3, got 3"));
}
