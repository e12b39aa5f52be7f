// nn/optim/schedulers.h: learning-rate schedules, epoch for epoch as PyTorch 1.13's
// torch.optim.lr_scheduler (StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau).
//
//   optim::SGD opt(params, optim::SGDOptions(0.1));
//   optim::StepLR sched(opt, /*step_size=*/30, /*gamma=*/0.1);
//   for (int epoch = 0; epoch < 100; ++epoch) {
//     train_one_epoch(opt);
//     sched.step();                        // lr 0.1 for epochs 0-29, 0.01 for 30-59, ...
//   }
//   optim::ReduceLROnPlateau plateau(opt, optim::ReduceLROnPlateau::SchedulerMode::min, 0.5, 2);
//   plateau.step(validation_loss);
//
// Schedulers keep a reference to the optimizer and write each group's lr.
#pragma once

#include <cstdint>
#include <vector>

#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

// Base of the epoch-driven schedules: step() moves last_epoch on and sets every group's lr
// to get_lr().  At construction last_epoch is 0 and the lrs are the groups' (base_lrs).
class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  void step();
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 protected:
  virtual std::vector<double> get_lr() = 0;  // for last_epoch_ (already moved on)
  std::vector<double> current_lrs() const;
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = 0;

 private:
  std::vector<double> last_lr_;
};

// lr *= gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 private:
  std::vector<double> get_lr() override;
  int64_t step_size_;
  double gamma_;
};

// lr *= gamma every epoch.
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);

 private:
  std::vector<double> get_lr() override;
  double gamma_;
};

// Cosine from base_lr down to eta_min over T_max epochs (then back up: the recursive form
// PyTorch's step() uses, which keeps any lr changes made by others).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0);

 private:
  std::vector<double> get_lr() override;
  int64_t t_max_;
  double eta_min_;
};

// Multiplies the lr by `factor` after `patience` epochs without improvement of the metric
// (relative or absolute threshold), then waits `cooldown` epochs; never below min_lr.
class ReduceLROnPlateau {
 public:
  enum class SchedulerMode { min, max };
  enum class ThresholdMode { rel, abs };
  explicit ReduceLROnPlateau(Optimizer& optimizer, SchedulerMode mode = SchedulerMode::min, double factor = 0.1,
                             int64_t patience = 10, double threshold = 1e-4,
                             ThresholdMode threshold_mode = ThresholdMode::rel, int64_t cooldown = 0,
                             const std::vector<double>& min_lr = {}, double eps = 1e-8);
  void step(double metric);
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  double best() const { return best_; }

 private:
  bool is_better(double a) const;
  void reduce_lr();
  Optimizer& optimizer_;
  SchedulerMode mode_;
  double factor_;
  int64_t patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  int64_t cooldown_, cooldown_counter_ = 0, num_bad_epochs_ = 0, last_epoch_ = 0;
  std::vector<double> min_lrs_;
  double eps_, best_;
  std::vector<double> last_lr_;
};
using ReduceLROnPlateauScheduler = ReduceLROnPlateau;  // LibTorch's name

}  // namespace convis::optim
