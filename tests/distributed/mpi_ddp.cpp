// tests/distributed/mpi_ddp.cpp: the MPI tests of nn/distributed.  CTest runs one case per
// run under `mpirun --oversubscribe -np 2` or `-np 3` (tests/distributed/run_mpi.sh):
//   collectives  allreduce (every ReduceOp and dtype), broadcast from every root, allgather,
//                barrier, and the Errors of bad tensors
//   equivalence  N ranks on 1/N of every batch end with the parameters of one process on the
//                whole batch (f64, SGD with momentum and Adam, one and many buckets, to 1e-6
//                relative), bitwise the same on every rank
//   overlap      a bucket's allreduce is queued and started before backward has ended
//   no_sync      two backwards, the first under no_sync: the average of the summed gradients
//   buffers      rank 0's buffers at construction and before each forward (broadcast_buffers)
//   unused       find_unused_parameters: a head used on one rank only, one used nowhere; and
//                the Error without the option
//   mismatch     different models on the ranks: the same Error on every rank
//   stalled      rank 1 stops calling collectives: rank 0's wait ends in an Error (timeout 2 s)
//   throws       rank 1 throws before an allreduce: mpirun ends the job (nothing hangs)
// Every rank prints "rank R: PASS <case>" when its checks held; a failed check prints
// "rank R: FAIL ..." and exits with 1.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "convis/convis.h"

using namespace convis;
using distributed::DistributedDataParallel;
using distributed::DistributedDataParallelOptions;
using distributed::ProcessGroupMPI;
namespace F = convis::nn::functional;

namespace {

std::shared_ptr<ProcessGroupMPI> group;

void expect(bool ok, const std::string& what) {
  if (ok) return;
  std::cout << "rank " << group->rank() << ": FAIL " << what << std::endl;
  std::_Exit(1);  // no MPI_Finalize (it would wait for the other ranks): mpirun ends the job
}

void expect_error(const std::function<void()>& f, const std::string& part, const std::string& what) {
  try {
    f();
  } catch (const Error& e) {
    expect(std::string(e.what()).find(part) != std::string::npos, what + ": message '" + e.what() + "'");
    return;
  }
  expect(false, what + ": no Error");
}

// Every rank's copy of t, in rank order.
std::vector<Tensor> gather(const Tensor& t) {
  std::vector<std::vector<Tensor>> out(1);
  for (int r = 0; r < group->size(); ++r) out[0].push_back(empty_like(t));
  std::vector<Tensor> in{t.contiguous()};
  group->allgather(out, in)->wait();
  return out[0];
}

Tensor flat_parameters(const nn::Module& m) {
  std::vector<Tensor> flat;
  for (const Tensor& p : m.parameters()) flat.push_back(p.detach().reshape({-1}));
  return cat(flat);
}

void case_collectives() {
  const int rank = group->rank(), size = group->size();
  const double n = size;
  Tensor s = full({5}, double(rank + 1), kFloat64);
  Tensor f = full({3, 2}, float(rank + 1), kFloat32);
  Tensor i = full({4}, int64_t(rank + 1), kInt64);
  std::vector<Tensor> ts{s, f, i};
  group->allreduce(ts)->wait();
  expect(s.equal(full({5}, n * (n + 1) / 2, kFloat64)) && f.equal(full({3, 2}, float(n * (n + 1) / 2), kFloat32)) &&
             i.equal(full({4}, int64_t(n * (n + 1) / 2), kInt64)),
         "allreduce SUM of f64, f32, i64");
  const std::map<distributed::ReduceOp, double> ops{{distributed::ReduceOp::PRODUCT, std::tgamma(n + 1)},
                                                   {distributed::ReduceOp::MIN, 1.0},
                                                   {distributed::ReduceOp::MAX, n}};
  for (const auto& [op, want] : ops) {
    std::vector<Tensor> one{full({2}, double(rank + 1), kFloat64)};
    group->allreduce(one, {.reduceOp = op})->wait();
    expect(one[0].equal(full({2}, want, kFloat64)), "allreduce PRODUCT / MIN / MAX");
  }
  std::vector<Tensor> flags{tensor({rank == 0 ? 1.0 : 0.0}).to(kBool), tensor({1.0}).to(kBool)};
  group->allreduce(flags, {.reduceOp = distributed::ReduceOp::MIN})->wait();
  expect(!flags[0].item<bool>() && flags[1].item<bool>(), "allreduce of bool tensors (MIN = and)");
  for (int root = 0; root < size; ++root) {
    std::vector<Tensor> b{arange(7, kFloat64) * double(rank + 10)};
    group->broadcast(b, {.rootRank = root})->wait();
    expect(b[0].equal(arange(7, kFloat64) * double(root + 10)), "broadcast from every root");
  }
  std::vector<Tensor> all = gather(full({2, 2}, double(rank), kFloat64));
  for (int r = 0; r < size; ++r) expect(all[size_t(r)].equal(full({2, 2}, double(r), kFloat64)), "allgather");
  group->barrier()->wait();
  std::vector<Tensor> strided{arange(6, kFloat64).reshape({2, 3}).t()};
  expect_error([&] { group->allreduce(strided); }, "expected contiguous tensors", "a strided tensor");
  std::vector<Tensor> none;
  expect_error([&] { group->allreduce(none); }, "expected at least one tensor", "no tensor");
  expect_error([&] { group->broadcast(ts, {.rootRank = size}); }, "expected a root rank in [0,", "a bad root");
  std::vector<Tensor> one_input{zeros({2})};
  std::vector<std::vector<Tensor>> too_few(1, std::vector<Tensor>{zeros({2})});
  if (size > 1)
    expect_error([&] { group->allgather(too_few, one_input); }, "outputs for input 0 (one per rank), got 1",
                 "allgather with too few outputs");
  std::vector<std::vector<Tensor>> misshaped(1, std::vector<Tensor>(size_t(size), zeros({3})));
  expect_error([&] { group->allgather(misshaped, one_input); }, "shaped [2] and of dtype float32, got one of shape [3]",
               "allgather with misshaped outputs");
  std::vector<std::vector<Tensor>> no_lists;
  expect_error([&] { group->allgather(no_lists, one_input); }, "expected 1 output lists (one per input), got 0",
               "allgather without output lists");
  expect_error([] { ProcessGroupMPI::create(std::chrono::milliseconds(0)); }, "expected a positive timeout, got 0 ms",
               "a zero timeout");
}

struct NetImpl : nn::Module {
  explicit NetImpl(int64_t width = 16, int64_t out = 3) {
    fc1 = register_module("fc1", std::make_shared<nn::LinearImpl>(5, width));
    fc2 = register_module("fc2", std::make_shared<nn::LinearImpl>(width, width));
    fc3 = register_module("fc3", std::make_shared<nn::LinearImpl>(width, out));
    to(kFloat64);
  }
  Tensor forward(const Tensor& x) { return fc3->forward(fc2->forward(fc1->forward(x).tanh()).tanh()); }
  std::shared_ptr<nn::LinearImpl> fc1, fc2, fc3;
};

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name, const std::vector<Tensor>& params) {
  if (name == "sgd") return std::make_unique<optim::SGD>(params, optim::SGDOptions(0.1).momentum(0.9));
  return std::make_unique<optim::Adam>(params, optim::AdamOptions(0.01));
}

// K steps of DDP on this rank's rows against one process on all rows (rank 0's start).
void equivalence(const std::string& optimizer, double bucket_cap_mb) {
  const int rank = group->rank(), size = group->size();
  const int64_t batch = 12;  // divisible by 2 and 3
  manual_seed(7);
  Tensor x = randn({4, batch, 5}, kFloat64), y = randn({4, batch, 3}, kFloat64);
  manual_seed(uint64_t(100 + rank));  // every rank starts elsewhere: the broadcast must fix it
  auto net = std::make_shared<NetImpl>();
  auto reference = std::make_shared<NetImpl>();
  std::vector<Tensor> start = gather(flat_parameters(*net));
  {
    NoGradGuard no_grad;
    int64_t at = 0;
    for (Tensor& p : reference->parameters()) {
      p.copy_(start[0].narrow(0, at, p.numel()).view(p.sizes()));
      at += p.numel();
    }
  }
  DistributedDataParallel ddp(net, group, DistributedDataParallelOptions().bucket_cap_mb(bucket_cap_mb));
  expect(flat_parameters(*net).equal(start[0]), "rank 0's parameters broadcast at construction");
  auto opt = make_optimizer(optimizer, net->parameters());
  auto ref_opt = make_optimizer(optimizer, reference->parameters());
  const int64_t share = batch / size;
  for (int64_t step = 0; step < 4; ++step) {
    opt->zero_grad();
    F::mse_loss(ddp(x[step].narrow(0, rank * share, share)), y[step].narrow(0, rank * share, share)).backward();
    opt->step();
    ref_opt->zero_grad();
    F::mse_loss(reference->forward(x[step]), y[step]).backward();
    ref_opt->step();
  }
  Tensor mine = flat_parameters(*net), want = flat_parameters(*reference);
  const double relative = (mine - want).abs().max().item<double>() / want.abs().max().item<double>();
  std::cout << "rank " << rank << ": " << optimizer << ", " << ddp.bucket_count()
            << " buckets: max relative difference to one process " << relative << std::endl;
  expect(relative < 1e-6, "DDP == one process on the whole batch");
  for (const Tensor& other : gather(mine)) expect(other.equal(mine), "the same bits on every rank");
}

void case_equivalence() {
  for (const char* optimizer : {"sgd", "adam"}) {
    equivalence(optimizer, 25.0);    // one bucket
    equivalence(optimizer, 0.0005);  // ~500 bytes: a bucket per tensor or two
  }
}

// A bucket is queued during backward whatever the scheduler does (deterministic); that its
// allreduce also starts before backward ends needs the group's thread to get a core while the
// rank's backward runs, which a loaded machine may delay: so up to 10 backwards are tried, and
// the model leaves most of its backward after the first bucket (wide early layers).
void case_overlap() {
  manual_seed(3);
  auto net = std::make_shared<NetImpl>(512, 64);
  DistributedDataParallel ddp(net, group, DistributedDataParallelOptions().bucket_cap_mb(0.25));
  Tensor x = randn({256, 5}, kFloat64), y = randn({256, 64}, kFloat64);
  bool started_early_somewhere = false;
  for (int attempt = 0; attempt < 10 && !started_early_somewhere; ++attempt) {
    F::mse_loss(ddp(x), y).backward();
    const distributed::DdpTrace& trace = ddp.last_trace();
    int queued_early = 0, started_early = 0;
    for (const auto& b : trace.buckets) {
      queued_early += b.queued < trace.backward_end;
      started_early += b.started < trace.backward_end;
      const auto us = [&](auto t) {
        return std::chrono::duration_cast<std::chrono::microseconds>(t - trace.backward_end).count();
      };
      std::cout << "rank " << group->rank() << ": bucket of " << b.bytes << " bytes queued " << us(b.queued)
                << " us, started " << us(b.started) << " us, finished " << us(b.finished)
                << " us relative to the end of backward" << std::endl;
    }
    expect(trace.buckets.size() >= 3, "several buckets");
    expect(queued_early >= 1, "an allreduce queued before backward ended");
    for (const Tensor& count : gather(tensor({int64_t(started_early)}, kInt64)))
      started_early_somewhere = started_early_somewhere || count.item<int64_t>() > 0;
  }
  expect(started_early_somewhere, "an allreduce started before backward ended, on some rank, in 10 tries");
}

void case_no_sync() {
  const int rank = group->rank();
  manual_seed(5);
  auto net = std::make_shared<NetImpl>();
  DistributedDataParallel ddp(net, group);
  manual_seed(uint64_t(50 + rank));
  Tensor x1 = randn({3, 5}, kFloat64), x2 = randn({3, 5}, kFloat64), y = randn({3, 3}, kFloat64);
  // Local gradients of the two micro-batches, summed, without DDP: the expected average.
  F::mse_loss(net->forward(x1), y).backward();
  F::mse_loss(net->forward(x2), y).backward();
  std::vector<Tensor> local;
  for (const Tensor& p : net->parameters()) local.push_back(p.grad().clone());
  for (Tensor& p : net->parameters()) p.mutable_grad() = Tensor();
  {
    auto no_sync = ddp.no_sync();
    F::mse_loss(ddp(x1), y).backward();
  }
  std::vector<Tensor> after_first;
  for (const Tensor& p : net->parameters()) after_first.push_back(p.grad().clone());
  F::mse_loss(ddp(x2), y).backward();
  group->allreduce(local)->wait();
  const auto params = net->parameters();
  for (size_t i = 0; i < params.size(); ++i)
    expect(params[i].grad().allclose(local[i] / double(group->size()), 1e-12, 1e-14),
           "no_sync then sync == average of the summed gradients");
  std::vector<Tensor> firsts = gather(after_first[0]);
  expect(group->size() == 1 || !firsts[0].equal(firsts[1]), "no_sync left the first gradients local");
}

struct HeadsImpl : nn::Module {
  HeadsImpl() {
    a = register_module("a", std::make_shared<nn::LinearImpl>(4, 2));
    b = register_module("b", std::make_shared<nn::LinearImpl>(4, 2));
    c = register_module("c", std::make_shared<nn::LinearImpl>(4, 2));
    to(kFloat64);
  }
  Tensor forward(const Tensor& x, bool use_b) { return use_b ? a->forward(x) + b->forward(x) : a->forward(x); }
  std::shared_ptr<nn::LinearImpl> a, b, c;
};

void case_unused() {
  const int rank = group->rank();
  manual_seed(9);
  auto net = std::make_shared<HeadsImpl>();
  manual_seed(9);
  auto reference = std::make_shared<HeadsImpl>();  // the same values
  DistributedDataParallel ddp(net, group, DistributedDataParallelOptions().find_unused_parameters(true));
  Tensor x = ones({2, 4}, kFloat64) * double(rank + 1);
  F::mse_loss(ddp(x, rank == 1), zeros({2, 2}, kFloat64)).backward();
  expect(!net->c->weight.grad().defined() && !net->c->bias.grad().defined(), "a head used nowhere keeps no grad");
  // b: used on rank 1 only; its average is rank 1's gradient / size.
  Tensor b_grad = zeros({2, 4}, kFloat64);
  if (rank == 1) {
    F::mse_loss(reference->forward(x, true), zeros({2, 2}, kFloat64)).backward();
    b_grad = reference->b->weight.grad();
  }
  std::vector<Tensor> sum{b_grad.contiguous()};
  group->allreduce(sum)->wait();
  expect(net->b->weight.grad().defined() && net->b->weight.grad().allclose(sum[0] / double(group->size())),
         "a head used on one rank gets the average");
  for (const Tensor& other : gather(flat_parameters(*net))) expect(other.equal(flat_parameters(*net)), "same bits");
  auto strict = std::make_shared<HeadsImpl>();
  DistributedDataParallel strict_ddp(strict, group);
  expect_error([&] { F::mse_loss(strict_ddp(x, true), zeros({2, 2}, kFloat64)).backward(); },
               "find_unused_parameters(true)", "the Error without find_unused_parameters");
}

// Rank 0's buffers at construction and before each forward (broadcast_buffers), not with the
// option off; a module holder as the module.
void case_buffers() {
  const int rank = group->rank();
  auto set_mean = [](nn::BatchNorm1d& bn, double v) {
    NoGradGuard no_grad;
    bn->running_mean.fill_(v);
  };
  nn::BatchNorm1d bn(nn::BatchNormOptions(3).momentum(0.0));  // forward leaves the running stats
  bn->to(kFloat64);
  set_mean(bn, rank + 1);
  DistributedDataParallel ddp(bn, group);
  expect(bn->running_mean.equal(full({3}, 1.0, kFloat64)), "rank 0's buffers at construction");
  set_mean(bn, rank + 5);
  ddp(randn({4, 3}, kFloat64));
  expect(bn->running_mean.equal(full({3}, 5.0, kFloat64)), "rank 0's buffers before a forward");
  nn::BatchNorm1d own(nn::BatchNormOptions(3).momentum(0.0));
  own->to(kFloat64);
  DistributedDataParallel quiet(own, group, DistributedDataParallelOptions().broadcast_buffers(false));
  set_mean(own, rank + 5);
  quiet(randn({4, 3}, kFloat64));
  expect(own->running_mean.equal(full({3}, rank + 5.0, kFloat64)), "broadcast_buffers(false) keeps each rank's");
}

void case_mismatch() {
  auto net = std::make_shared<NetImpl>(16, group->rank() == 1 ? 4 : 3);
  expect_error([&] { DistributedDataParallel ddp(net, group); }, "expected the same module on every rank",
               "different models");
  expect_error([&] { DistributedDataParallel ddp(net, group, DistributedDataParallelOptions().bucket_cap_mb(0)); },
               "expected bucket_cap_mb > 0, got 0", "an empty bucket cap");
  expect_error([&] { DistributedDataParallel ddp(std::shared_ptr<NetImpl>(), group); },
               "expected a module, got a null pointer", "no module");
  expect_error([&] { DistributedDataParallel ddp(net, std::shared_ptr<ProcessGroupMPI>()); },
               "expected a process group, got a null pointer", "no group");
}

void case_stalled() {
  if (group->rank() == 1) {
    std::this_thread::sleep_for(std::chrono::seconds(60));  // mpirun ends us before
    return;
  }
  std::vector<Tensor> t{ones({3})};
  try {
    group->allreduce(t)->wait();
  } catch (const Error& e) {
    std::cout << "rank 0: caught " << e.what() << std::endl;
    expect_error([&] { group->barrier(); }, "unusable", "a broken group refuses new collectives");
    std::cout << "rank 0: PASS stalled" << std::endl;
    std::_Exit(3);  // as a program that gives up: a non-zero status makes mpirun end the job
  }
  expect(false, "the allreduce with a missing rank returned");
}

void case_throws() {
  if (group->rank() == 1) {
    std::cout << "rank 1: throws before the allreduce" << std::endl;
    throw Error("[test] rank 1 gives up before the allreduce");
  }
  std::vector<Tensor> t{ones({3})};
  group->allreduce(t)->wait();
  expect(false, "the allreduce with a dead rank returned");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "";
  const std::map<std::string, std::function<void()>> cases{
      {"collectives", case_collectives}, {"equivalence", case_equivalence}, {"overlap", case_overlap},
      {"no_sync", case_no_sync},         {"unused", case_unused},           {"mismatch", case_mismatch},
      {"buffers", case_buffers},
      {"stalled", case_stalled},         {"throws", case_throws}};
  if (!distributed::mpi_available()) {
    std::cout << "convis was built without MPI: skipped" << std::endl;
    return 77;
  }
  if (!cases.count(which)) {
    std::cerr << "usage: mpirun -np N mpi_ddp <case>; cases: collectives equivalence overlap no_sync buffers "
                 "unused mismatch stalled throws\n";
    return 2;
  }
  group = ProcessGroupMPI::create(which == "stalled" ? std::chrono::milliseconds(2000) : distributed::kDefaultTimeout);
  cases.at(which)();
  group->barrier()->wait();
  std::cout << "rank " << group->rank() << ": PASS " << which << std::endl;
  group.reset();
  return 0;
}
