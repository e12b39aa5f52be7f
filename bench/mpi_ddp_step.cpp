// bench/mpi_ddp_step.cpp: the step time of DistributedDataParallel with its allreduces
// overlapping backward (the default) against the baseline that reduces every bucket after
// backward (overlap(false)), on a model of 6 x Linear(1024, 1024) in float32 (25 MB of
// gradients), batch 64 per rank.  Rounds alternate the two modes; medians are printed.
// Run: mpirun -np 2 ./build/bench/mpi_ddp_step [steps per round, default 10] [rounds, default 5]
//          [bucket_cap_mb, default 25]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "convis/convis.h"

using namespace convis;
namespace F = convis::nn::functional;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One round of `steps` forward + backward + reduce: seconds per step.
template <typename Ddp>
double round_seconds(Ddp& ddp, const Tensor& x, const Tensor& y, int steps, distributed::ProcessGroup& group) {
  group.barrier()->wait();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) {
    for (Tensor& p : ddp.module()->parameters()) p.mutable_grad() = Tensor();
    F::mse_loss(ddp(x), y).backward();
  }
  group.barrier()->wait();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 10, rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const double bucket_cap_mb = argc > 3 ? std::atof(argv[3]) : 25.0;
  if (!distributed::mpi_available()) {
    std::printf("convis was built without MPI\n");
    return 0;
  }
  auto group = distributed::ProcessGroupMPI::create();
  // Two copies of the model: each DistributedDataParallel hooks its module's parameters.
  auto make_net = [] {
    auto net = std::make_shared<nn::SequentialImpl>();
    for (int i = 0; i < 6; ++i) {
      net->push_back(std::make_shared<nn::LinearImpl>(1024, 1024));
      net->push_back(std::make_shared<nn::TanhImpl>());
    }
    return net;
  };
  auto net = make_net(), net_blocking = make_net();
  int64_t bytes = 0;
  for (const Tensor& p : net->parameters()) bytes += p.nbytes();
  auto options = distributed::DistributedDataParallelOptions().bucket_cap_mb(bucket_cap_mb);
  distributed::DistributedDataParallel overlapped(net, group, options);
  distributed::DistributedDataParallel blocking(net_blocking, group, options.overlap(false));
  manual_seed(uint64_t(group->rank()));
  Tensor x = randn({64, 1024}), y = randn({64, 1024});
  round_seconds(overlapped, x, y, 2, *group);  // warm the caches and the allocator
  round_seconds(blocking, x, y, 2, *group);
  std::vector<double> with_overlap, after_backward;
  for (int r = 0; r < rounds; ++r) {
    with_overlap.push_back(round_seconds(overlapped, x, y, steps, *group));
    after_backward.push_back(round_seconds(blocking, x, y, steps, *group));
  }
  if (group->rank() == 0) {
    std::printf("%d ranks, %.1f MB of gradients in %zu buckets, %d rounds of %d steps\n", group->size(),
                double(bytes) / 1e6, overlapped.bucket_count(), rounds, steps);
    std::printf("step, allreduce overlapping backward: %.2f ms (median)\n", 1e3 * median(with_overlap));
    std::printf("step, allreduce after backward:       %.2f ms (median)\n", 1e3 * median(after_backward));
  }
  return 0;
}
