// autograd/grad_mode.h: whether ops record the graph, per thread.
//
//   {
//     convis::NoGradGuard no_grad;          // inside: nothing is recorded
//     auto y = w * x;                       // y.requires_grad() == false
//   }
//   convis::GradMode::is_enabled();         // true again
#pragma once

namespace convis {

struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

// Sets grad mode for its scope and restores the previous mode on exit.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : previous_(GradMode::is_enabled()) { GradMode::set_enabled(enabled); }
  ~AutoGradMode() { GradMode::set_enabled(previous_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

}  // namespace convis
