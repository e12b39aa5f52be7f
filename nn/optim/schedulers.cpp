// nn/optim/schedulers.cpp: see schedulers.h.
#include "convis/nn/optim/schedulers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "convis/core/error.h"

namespace convis::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  base_lrs_ = current_lrs();
  last_lr_ = base_lrs_;
}

std::vector<double> LRScheduler::current_lrs() const {
  std::vector<double> lrs;
  for (const auto& group : optimizer_.param_groups()) lrs.push_back(group.options().get_lr());
  return lrs;
}

void LRScheduler::step() {
  ++last_epoch_;
  std::vector<double> lrs = get_lr();
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size() && i < lrs.size(); ++i) groups[i].options().set_lr(lrs[i]);
  last_lr_ = current_lrs();
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  CONVIS_CHECK(step_size > 0, "StepLR", "expected step_size > 0, got {}", step_size);
}

std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) {}

std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : LRScheduler(optimizer), t_max_(T_max), eta_min_(eta_min) {
  CONVIS_CHECK(T_max > 0, "CosineAnnealingLR", "expected T_max > 0, got {}", T_max);
}

// Note [Recursive cosine]
// PyTorch's step() updates lr from the previous lr, lr_e = eta + (lr_{e-1} - eta) *
// (1 + cos(pi e / T)) / (1 + cos(pi (e - 1) / T)), except at the restart points
// e - 1 - T = 0 mod 2T, where the ratio is 0/0 and it adds (base - eta)(1 - cos(pi / T)) / 2.
std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  const double pi = std::numbers::pi, e = double(last_epoch_), T = double(t_max_);
  int64_t period = 2 * t_max_;
  bool restart = (((last_epoch_ - 1 - t_max_) % period) + period) % period == 0;
  for (size_t i = 0; i < lrs.size(); ++i) {
    if (restart) {
      lrs[i] += (base_lrs_[i] - eta_min_) * (1 - std::cos(pi / T)) / 2;
    } else {
      lrs[i] = (1 + std::cos(pi * e / T)) / (1 + std::cos(pi * (e - 1) / T)) * (lrs[i] - eta_min_) + eta_min_;
    }
  }
  return lrs;
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, SchedulerMode mode, double factor, int64_t patience,
                                     double threshold, ThresholdMode threshold_mode, int64_t cooldown,
                                     const std::vector<double>& min_lr, double eps)
    : optimizer_(optimizer),
      mode_(mode),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      threshold_mode_(threshold_mode),
      cooldown_(cooldown),
      eps_(eps) {
  CONVIS_CHECK(factor < 1, "ReduceLROnPlateau", "expected factor < 1, got {}", factor);
  size_t groups = optimizer.param_groups().size();
  CONVIS_CHECK(min_lr.size() <= 1 || min_lr.size() == groups, "ReduceLROnPlateau",
               "expected one min_lr or one per param group ({}), got {}", groups, min_lr.size());
  min_lrs_ = min_lr.size() == groups ? min_lr : std::vector<double>(groups, min_lr.empty() ? 0.0 : min_lr[0]);
  best_ = mode == SchedulerMode::min ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity();
  for (const auto& group : optimizer.param_groups()) last_lr_.push_back(group.options().get_lr());
}

bool ReduceLROnPlateau::is_better(double a) const {
  bool rel = threshold_mode_ == ThresholdMode::rel;
  if (mode_ == SchedulerMode::min) return rel ? a < best_ * (1 - threshold_) : a < best_ - threshold_;
  return rel ? a > best_ * (threshold_ + 1) : a > best_ + threshold_;
}

void ReduceLROnPlateau::reduce_lr() {
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    double old_lr = groups[i].options().get_lr();
    double new_lr = std::max(old_lr * factor_, min_lrs_[i]);
    if (old_lr - new_lr > eps_) groups[i].options().set_lr(new_lr);
  }
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;
  }
  if (num_bad_epochs_ > patience_) {
    reduce_lr();
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const auto& group : optimizer_.param_groups()) last_lr_.push_back(group.options().get_lr());
}

}  // namespace convis::optim
