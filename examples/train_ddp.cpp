// examples/train_ddp.cpp: data-parallel training over MPI.  Each rank reads its share of
// every epoch (DistributedRandomSampler), DistributedDataParallel averages the gradients, so
// every rank takes the same optimizer steps as one process on the whole batch would.
// Run: mpirun -np 2 ./build/examples/train_ddp        (as root: add --allow-run-as-root)
//      ./build/examples/train_ddp                     (one rank: the same training, alone)
#include <chrono>
#include <cstdio>

#include "convis/convis.h"

using namespace convis;
namespace F = convis::nn::functional;

struct NetImpl : nn::Module {
  NetImpl() {
    fc1 = register_module("fc1", std::make_shared<nn::LinearImpl>(2, 64));
    fc2 = register_module("fc2", std::make_shared<nn::LinearImpl>(64, 64));
    fc3 = register_module("fc3", std::make_shared<nn::LinearImpl>(64, 1));
  }
  Tensor forward(const Tensor& x) { return fc3->forward(fc2->forward(fc1->forward(x).tanh()).tanh()); }
  std::shared_ptr<nn::LinearImpl> fc1, fc2, fc3;
};

int main() {
  if (!distributed::mpi_available()) {
    std::printf("convis was built without MPI (install libopenmpi-dev openmpi-bin, configure again)\n");
    return 0;
  }
  auto group = distributed::ProcessGroupMPI::create();
  const int rank = group->rank(), size = group->size();

  // The same data on every rank (a fixed seed): y = sin(3 x0) cos(2 x1) on 4096 points.
  manual_seed(1);
  Tensor x = rand({4096, 2}) * 2.0 - 1.0;
  Tensor y = ((x.select(1, 0) * 3.0).sin() * (x.select(1, 1) * 2.0).cos()).unsqueeze(1);
  auto dataset = data::datasets::TensorDataset(x, y).map(data::transforms::Stack<>());
  data::samplers::DistributedRandomSampler sampler(4096, size_t(size), size_t(rank), true, /*seed=*/7);
  const size_t global_batch = 128;
  auto loader = data::make_data_loader(std::move(dataset), std::move(sampler),
                                       data::DataLoaderOptions().batch_size(global_batch / size_t(size)));

  manual_seed(uint64_t(rank));  // different starts: DistributedDataParallel broadcasts rank 0's
  auto net = std::make_shared<NetImpl>();
  distributed::DistributedDataParallel ddp(net, group);
  optim::Adam optimizer(net->parameters(), optim::AdamOptions(3e-3));

  const auto start = std::chrono::steady_clock::now();
  for (uint64_t epoch = 0; epoch < 20; ++epoch) {
    loader->sampler().set_epoch(epoch);
    double loss_sum = 0;
    int batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      Tensor loss = F::mse_loss(ddp(batch.data), batch.target);
      loss.backward();  // gradients averaged over the ranks when backward ends
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    std::vector<Tensor> mean{tensor({loss_sum / batches}, kFloat64)};
    group->allreduce(mean)->wait();
    if (rank == 0 && epoch % 5 == 4)
      std::printf("epoch %2llu: training loss %.5f (mean over %d ranks)\n", (unsigned long long)epoch,
                  mean[0].item<double>() / size, size);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Every rank ends with the same parameters, bit for bit.
  std::vector<Tensor> flat;
  for (const Tensor& p : net->parameters()) flat.push_back(p.detach().reshape({-1}));
  Tensor mine = cat(flat);
  std::vector<std::vector<Tensor>> all(1, std::vector<Tensor>(size_t(size)));
  for (Tensor& t : all[0]) t = empty_like(mine);
  std::vector<Tensor> in{mine};
  group->allgather(all, in)->wait();
  bool same = true;
  for (const Tensor& other : all[0]) same = same && other.equal(mine);
  if (rank == 0)
    std::printf("%d ranks, %.2f s; parameters identical on every rank: %s\n", size, seconds, same ? "yes" : "NO");
  return same ? 0 : 1;
}
