// nn/distributed/ddp.cpp: the Reducer (Note [Buckets and hooks] in ddp.h).
#include "convis/nn/distributed/ddp.h"

#include <algorithm>
#include <cstring>

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"

namespace convis::distributed::detail {

namespace {

constexpr const char* kOp = "DistributedDataParallel";

// Every rank's copy of `local` (same shape on every rank), in rank order.
std::vector<Tensor> gather_from_all(ProcessGroup& group, const Tensor& local) {
  std::vector<std::vector<Tensor>> outputs(1);
  for (int r = 0; r < group.size(); ++r) outputs[0].push_back(empty_like(local));
  std::vector<Tensor> inputs{local.contiguous()};
  group.allgather(outputs, inputs)->wait();
  return outputs[0];
}

int64_t shape_code(const Tensor& t) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t s : t.sizes()) h = (h ^ uint64_t(s)) * 1099511628211ull;
  return int64_t(h >> 1);
}

// Broadcasts rank 0's values into `tensors` in place (contiguous copies where needed).
void broadcast_from_rank0(ProcessGroup& group, const std::vector<Tensor>& tensors) {
  if (tensors.empty() || group.size() == 1) return;
  NoGradGuard no_grad;
  std::vector<Tensor> sent;
  for (const Tensor& t : tensors) sent.push_back(t.is_contiguous() ? t.detach() : t.contiguous());
  group.broadcast(sent, {.rootRank = 0})->wait();
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!tensors[i].is_contiguous()) tensors[i].detach().copy_(sent[i]);
}

}  // namespace

Reducer::Reducer(std::shared_ptr<nn::Module> module, std::shared_ptr<ProcessGroup> group,
                 DistributedDataParallelOptions options)
    : module_(std::move(module)), group_(std::move(group)), options_(options) {
  CONVIS_CHECK(module_ != nullptr, kOp, "expected a module, got a null pointer");
  CONVIS_CHECK(group_ != nullptr, kOp, "expected a process group, got a null pointer");
  CONVIS_CHECK(options_.bucket_cap_mb() > 0, kOp, "expected bucket_cap_mb > 0, got {}", options_.bucket_cap_mb());
  for (const auto& item : module_->named_parameters()) {
    if (!item.value().requires_grad()) continue;
    params_.push_back(item.value());
    names_.push_back(item.key());
  }
  check_same_parameters();
  broadcast_state();
  make_buckets();
}

// Every rank must hold the same parameters and buffers: each rank's (count) and then each
// tensor's (numel, dtype, shape, requires_grad) are gathered and compared with rank 0's, so
// that every rank throws the same Error.
void Reducer::check_same_parameters() {
  std::vector<std::pair<std::string, Tensor>> state;
  for (const auto& item : module_->named_parameters()) state.emplace_back(item.key(), item.value());
  for (const auto& item : module_->named_buffers()) state.emplace_back(item.key(), item.value());
  const std::vector<Tensor> counts = gather_from_all(*group_, tensor({int64_t(state.size())}, kInt64));
  for (int r = 1; r < group_->size(); ++r) {
    CONVIS_CHECK(counts[size_t(r)].item<int64_t>() == counts[0].item<int64_t>(), kOp,
                 "expected the same module on every rank, got {} parameters and buffers on rank 0 and {} on rank {}",
                 counts[0].item<int64_t>(), counts[size_t(r)].item<int64_t>(), r);
  }
  Tensor mine = empty({int64_t(state.size()), 4}, kInt64);
  auto* m = mine.data_ptr<int64_t>();
  for (size_t i = 0; i < state.size(); ++i) {
    const Tensor& t = state[i].second;
    m[4 * i] = t.numel();
    m[4 * i + 1] = int64_t(t.dtype().toScalarType());
    m[4 * i + 2] = shape_code(t);
    m[4 * i + 3] = t.requires_grad();
  }
  const std::vector<Tensor> all = gather_from_all(*group_, mine);
  for (size_t i = 0; i < state.size(); ++i) {
    for (int r = 1; r < group_->size(); ++r) {
      const bool same = std::memcmp(all[0].data_ptr<int64_t>() + 4 * i, all[size_t(r)].data_ptr<int64_t>() + 4 * i,
                                    4 * sizeof(int64_t)) == 0;
      CONVIS_CHECK(same, kOp,
                   "expected the same module on every rank, got a difference between rank 0 and rank {} at "
                   "parameter or buffer {} ('{}' here: shape {}, dtype {}{})",
                   r, i, state[i].first, state[i].second.sizes(), dtype_name(state[i].second.dtype()),
                   state[i].second.requires_grad() ? ", requires grad" : "");
    }
  }
}

void Reducer::broadcast_state() {
  std::vector<Tensor> tensors = module_->parameters();
  for (const Tensor& b : module_->buffers()) tensors.push_back(b);
  broadcast_from_rank0(*group_, tensors);
}

void Reducer::make_buckets() {
  const auto cap = int64_t(options_.bucket_cap_mb() * 1024 * 1024);
  const int64_t first_cap = std::min<int64_t>(cap, int64_t(1) << 20);
  location_.resize(params_.size());
  int64_t bucket_bytes = 0, bucket_elements = 0;
  for (size_t k = params_.size(); k-- > 0;) {
    const Tensor& p = params_[k];
    const int64_t limit = buckets_.size() <= 1 ? first_cap : cap;
    const bool fits = !buckets_.empty() && params_[buckets_.back().params[0]].dtype() == p.dtype() &&
                      bucket_bytes + p.nbytes() <= limit;
    if (!fits) {
      buckets_.emplace_back();
      bucket_bytes = bucket_elements = 0;
    }
    Bucket& b = buckets_.back();
    location_[k] = {buckets_.size() - 1, b.params.size()};
    b.params.push_back(k);
    b.offsets.push_back(bucket_elements);
    bucket_bytes += p.nbytes();
    bucket_elements += p.numel();
  }
  for (Bucket& b : buckets_) {
    const Tensor& last = params_[b.params.back()];
    b.flat = zeros({b.offsets.back() + last.numel()}, last.dtype());
  }
  got_gradient_.assign(params_.size(), 0);
}

void Reducer::install_hooks() {
  std::weak_ptr<Reducer> self = weak_from_this();
  for (size_t i = 0; i < params_.size(); ++i) {
    params_[i].register_post_accumulate_grad_hook([self, i](const Tensor&) {
      if (auto reducer = self.lock()) reducer->on_gradient(i);
    });
  }
}

void Reducer::prepare_forward() {
  in_backward_ = false;  // a backward that threw before its end is forgotten (start_backward waits)
  if (options_.broadcast_buffers()) broadcast_from_rank0(*group_, module_->buffers());
}

void Reducer::start_backward() {
  in_backward_ = true;
  next_launch_ = 0;
  std::fill(got_gradient_.begin(), got_gradient_.end(), 0);
  for (Bucket& b : buckets_) {
    if (b.work) b.work->wait();  // left running by a backward that threw: it still uses b.flat
    b.pending = b.params.size();
    b.work.reset();
  }
  trace_ = DdpTrace{};
  trace_.buckets.resize(buckets_.size());
  autograd::queue_callback([self = weak_from_this()] {
    if (auto reducer = self.lock()) reducer->finish_backward();
  });
}

void Reducer::on_gradient(size_t param) {
  if (!sync_) return;
  if (!in_backward_) start_backward();
  CONVIS_CHECK(!got_gradient_[param], kOp, "parameter '{}' received two gradients in one backward",
               names_[param]);
  got_gradient_[param] = 1;
  const auto [b, position] = location_[param];
  Bucket& bucket = buckets_[b];
  {
    NoGradGuard no_grad;
    const Tensor& p = params_[param];
    bucket.flat.narrow(0, bucket.offsets[position], p.numel()).view(p.sizes()).copy_(p.grad());
  }
  --bucket.pending;
  if (!options_.overlap()) return;
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].pending == 0) launch(next_launch_++);
}

void Reducer::launch(size_t bucket) {
  trace_.buckets[bucket].queued = DdpTrace::Clock::now();
  trace_.buckets[bucket].bytes = buckets_[bucket].flat.nbytes();
  std::vector<Tensor> tensors{buckets_[bucket].flat};
  buckets_[bucket].work = group_->allreduce(tensors);
}

// On how many ranks each parameter got a gradient (find_unused_parameters).
std::vector<int64_t> Reducer::used_counts() {
  Tensor used = empty({int64_t(params_.size())}, kInt64);
  for (size_t i = 0; i < params_.size(); ++i) used.data_ptr<int64_t>()[i] = got_gradient_[i];
  std::vector<Tensor> tensors{used};
  group_->allreduce(tensors)->wait();
  return std::vector<int64_t>(used.data_ptr<int64_t>(), used.data_ptr<int64_t>() + params_.size());
}

void Reducer::finish_backward() {
  trace_.backward_end = DdpTrace::Clock::now();
  struct EndOfBackward {
    bool& flag;
    ~EndOfBackward() { flag = false; }
  } end{in_backward_};
  std::vector<std::string> unused;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (got_gradient_[i]) continue;
    unused.push_back(names_[i]);
    const auto [b, position] = location_[i];
    buckets_[b].flat.narrow(0, buckets_[b].offsets[position], params_[i].numel()).zero_();
    --buckets_[b].pending;
  }
  CONVIS_CHECK(unused.empty() || options_.find_unused_parameters(), kOp,
               "expected a gradient for every parameter, got none for {} of them ({}{}); use them all in the loss, "
               "or construct with DistributedDataParallelOptions().find_unused_parameters(true)",
               unused.size(), unused[0], unused.size() > 1 ? ", ..." : "");
  for (; next_launch_ < buckets_.size(); ++next_launch_) launch(next_launch_);
  const std::vector<int64_t> used =
      options_.find_unused_parameters() ? used_counts() : std::vector<int64_t>(params_.size(), 1);
  NoGradGuard no_grad;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    Bucket& bucket = buckets_[b];
    bucket.work->wait();
    trace_.buckets[b].started = bucket.work->started();
    trace_.buckets[b].finished = bucket.work->finished();
    if (group_->size() > 1) bucket.flat.div_(double(group_->size()));
    for (size_t position = 0; position < bucket.params.size(); ++position) {
      const size_t i = bucket.params[position];
      if (used[i] == 0) continue;
      Tensor& p = params_[i];
      Tensor average = bucket.flat.narrow(0, bucket.offsets[position], p.numel()).view(p.sizes());
      if (p.grad().defined()) {
        p.mutable_grad().copy_(average);
      } else {
        p.mutable_grad() = average.clone();
      }
    }
  }
  trace_.reduced = DdpTrace::Clock::now();
}

}  // namespace convis::distributed::detail
