// nn/optim/lbfgs.cpp: see lbfgs.h.
#include "convis/nn/optim/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::optim {

namespace {

double dot_value(const Tensor& a, const Tensor& b) { return dot(a, b).item<double>(); }
double abs_max(const Tensor& a) { return a.abs().max().item<double>(); }

// The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds
// (by default the interval between the two points); the midpoint when there is none.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::pair<double, double>> bounds = std::nullopt) {
  auto [lo, hi] = bounds ? *bounds : (x1 <= x2 ? std::pair{x1, x2} : std::pair{x2, x1});
  double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  double d2_square = d1 * d1 - g1 * g2;
  if (d2_square < 0) return (lo + hi) / 2;
  double d2 = std::sqrt(d2_square);
  double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return std::min(std::max(min_pos, lo), hi);
}

// One end of a line-search bracket: step, loss, gradient, directional derivative.
struct Point {
  double t, f;
  Tensor g;
  double gtd;
};

using Objective = std::function<std::pair<double, Tensor>(double t)>;

struct SearchResult {
  double f;
  Tensor g;
  double t;
  int64_t evals;
};

// Note [Strong Wolfe]
// Phase 1 grows the step (cubic extrapolation within [t + 0.01 (t - t_prev), 10 t]) until
// the sufficient-decrease condition fails, the curvature condition holds, or the slope turns
// non-negative; phase 2 ("zoom") shrinks the bracket by cubic interpolation, guarding
// against steps too close to its ends.  Constants c1 = 1e-4, c2 = 0.9, 25 evaluations at
// most, as PyTorch's _strong_wolfe.
constexpr double kC1 = 1e-4, kC2 = 0.9;
constexpr int64_t kMaxLineSearch = 25;

struct Search {
  const Objective& obj;
  const Tensor& d;
  Point start;  // t = 0: the current loss, gradient and slope
  std::vector<Point> bracket;
  bool done = false;
  int64_t iter = 0, evals = 0;

  Point evaluate(double t) {
    auto [f, g] = obj(t);
    ++evals;
    return {t, f, g, dot_value(g, d)};
  }
  bool sufficient_decrease_fails(const Point& p) const { return p.f > start.f + kC1 * p.t * start.gtd; }
  bool curvature_holds(const Point& p) const { return std::abs(p.gtd) <= -kC2 * start.gtd; }

  void bracket_phase(double t) {
    Point prev = start;
    Point cur = evaluate(t);
    for (; iter < kMaxLineSearch; ++iter) {
      if (sufficient_decrease_fails(cur) || (iter > 1 && cur.f >= prev.f)) {
        bracket = {prev, cur};
        return;
      }
      if (curvature_holds(cur)) {
        bracket = {cur};
        done = true;
        return;
      }
      if (cur.gtd >= 0) {
        bracket = {prev, cur};
        return;
      }
      double next = cubic_interpolate(prev.t, prev.f, prev.gtd, cur.t, cur.f, cur.gtd,
                                      std::pair{cur.t + 0.01 * (cur.t - prev.t), cur.t * 10});
      prev = cur;
      cur = evaluate(next);
    }
    bracket = {start, cur};  // no bracket within the budget
  }

  // A trial step inside the bracket, kept 10% of its width away from the ends.
  double zoom_trial(bool& insuf_progress) const {
    double t = cubic_interpolate(bracket[0].t, bracket[0].f, bracket[0].gtd, bracket[1].t, bracket[1].f,
                                 bracket[1].gtd);
    double hi = std::max(bracket[0].t, bracket[1].t), lo = std::min(bracket[0].t, bracket[1].t);
    double eps = 0.1 * (hi - lo);
    if (std::min(hi - t, t - lo) >= eps) {
      insuf_progress = false;
    } else if (insuf_progress || t >= hi || t <= lo) {
      t = std::abs(t - hi) < std::abs(t - lo) ? hi - eps : lo + eps;
      insuf_progress = false;
    } else {
      insuf_progress = true;
    }
    return t;
  }

  // Returns the index of the bracket's best end.
  size_t zoom_phase(double tolerance_change) {
    double d_norm = abs_max(d);
    bool insuf_progress = false;
    size_t low = bracket.front().f <= bracket.back().f ? 0 : 1, high = 1 - low;
    while (!done && iter < kMaxLineSearch) {
      if (std::abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change) break;
      Point p = evaluate(zoom_trial(insuf_progress));
      ++iter;
      if (sufficient_decrease_fails(p) || p.f >= bracket[low].f) {
        bracket[high] = p;
        low = bracket[0].f <= bracket[1].f ? 0 : 1;
        high = 1 - low;
      } else {
        if (curvature_holds(p)) {
          done = true;
        } else if (p.gtd * (bracket[high].t - bracket[low].t) >= 0) {
          bracket[high] = bracket[low];
        }
        bracket[low] = p;
      }
    }
    return bracket.size() == 1 ? 0 : low;
  }
};

SearchResult strong_wolfe(const Objective& obj, double t, const Tensor& d, double f, const Tensor& g, double gtd,
                          double tolerance_change) {
  Search search{obj, d, {0, f, g, gtd}, {}, false, 0, 0};
  search.bracket_phase(t);
  const Point& best = search.bracket[search.zoom_phase(tolerance_change)];
  return {best.f, best.g, best.t, search.evals};
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, LBFGSOptions defaults)
    : LBFGS(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

LBFGS::LBFGS(std::vector<OptimizerParamGroup> param_groups, LBFGSOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<LBFGSOptions>(defaults)) {
  CONVIS_CHECK(this->param_groups().size() == 1, "LBFGS", "expected one param group, got {}",
               this->param_groups().size());
  const auto& fn = defaults.line_search_fn();
  CONVIS_CHECK(!fn || *fn == "strong_wolfe", "LBFGS", "expected line_search_fn \"strong_wolfe\" or none, got \"{}\"",
               fn.value_or(""));
}

Tensor LBFGS::gather_flat_grad() const {
  std::vector<Tensor> parts;
  for (const Tensor& p : param_groups()[0].params()) {
    parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : zeros({p.numel()}, p.options()));
  }
  return cat(parts, 0);
}

void LBFGS::add_grad(double t, const Tensor& d) {
  int64_t offset = 0;
  for (Tensor& p : param_groups()[0].params()) {
    p.add_(d.narrow(0, offset, p.numel()).view(p.sizes()), t);
    offset += p.numel();
  }
}

std::vector<Tensor> LBFGS::clone_params() const {
  std::vector<Tensor> copies;
  for (const Tensor& p : param_groups()[0].params()) copies.push_back(p.detach().clone());
  return copies;
}

void LBFGS::set_params(const std::vector<Tensor>& values) {
  auto& params = param_groups()[0].params();
  for (size_t i = 0; i < params.size(); ++i) params[i].copy_(values[i]);
}

namespace {

// The curvature pair of the last iteration joins the history when y.s > 1e-10 (the oldest
// pair leaves when it is full); returns the new initial Hessian scale y.s / y.y (or `h_diag`).
double update_history(OptimizerParamState& state, const Tensor& flat_grad, const Tensor& prev_flat_grad,
                      const Tensor& d, double t, double h_diag, int64_t history_size) {
  Tensor y = flat_grad - prev_flat_grad;
  Tensor s = d * t;
  double ys = dot_value(y, s);
  if (ys <= 1e-10) return h_diag;
  auto& dirs = state.lists["old_dirs"];
  auto& stps = state.lists["old_stps"];
  auto& ro = state.lists["ro"];
  if (int64_t(dirs.size()) == history_size) {
    dirs.erase(dirs.begin());
    stps.erase(stps.begin());
    ro.erase(ro.begin());
  }
  dirs.push_back(y);
  stps.push_back(s);
  ro.push_back(scalar_tensor(1.0 / ys, kFloat64));
  return ys / dot_value(y, y);
}

// The two-loop recursion: the approximate inverse Hessian applied to -flat_grad.
Tensor two_loop_direction(OptimizerParamState& state, const Tensor& flat_grad, double h_diag) {
  const auto& dirs = state.lists["old_dirs"];
  const auto& stps = state.lists["old_stps"];
  const auto& ro = state.lists["ro"];
  size_t n = dirs.size();
  std::vector<double> al(n);
  Tensor q = flat_grad.neg();
  for (size_t k = n; k-- > 0;) {
    al[k] = dot_value(stps[k], q) * ro[k].item<double>();
    q.add_(dirs[k], -al[k]);
  }
  Tensor r = q * h_diag;
  for (size_t k = 0; k < n; ++k) {
    double be = dot_value(dirs[k], r) * ro[k].item<double>();
    r.add_(stps[k], al[k] - be);
  }
  return r;
}

}  // namespace

void LBFGS::take_step(const LossClosure& closure, const LBFGSOptions& o, const Tensor& d, double gtd, bool last,
                      Move& m) {
  if (o.line_search_fn()) {
    std::vector<Tensor> x_init = clone_params();
    Objective objective = [&](double step) {
      add_grad(step, d);
      double f = evaluate(closure).item<double>();
      Tensor g = gather_flat_grad();
      set_params(x_init);
      return std::pair{f, g};
    };
    SearchResult r = strong_wolfe(objective, m.t, d, m.loss, m.flat_grad, gtd, o.tolerance_change());
    m.loss = r.f, m.flat_grad = r.g, m.t = r.t, m.evals = r.evals;
    add_grad(m.t, d);
    m.opt_cond = abs_max(m.flat_grad) <= o.tolerance_grad();
    return;
  }
  add_grad(m.t, d);
  if (last) return;  // the last iteration does not re-evaluate
  m.loss = evaluate(closure).item<double>();
  m.flat_grad = gather_flat_grad();
  m.opt_cond = abs_max(m.flat_grad) <= o.tolerance_grad();
  m.evals = 1;
}

// Note [LBFGS]
// Each step evaluates the closure once, then iterates: direction d = -g on the very first
// iteration (counted over all steps), else the two-loop recursion over the stored pairs;
// step length min(1, 1/|g|_1) lr on the very first iteration, else lr, or what the
// strong-Wolfe search finds; stop on max_iter, max_eval evaluations, |g|_inf <= tolerance_grad,
// |t d|_inf <= tolerance_change, |loss change| < tolerance_change, or a non-descent direction.
// d, t, the history, H_diag and the previous gradient and loss persist between steps.
Tensor LBFGS::step(LossClosure closure) {
  CONVIS_CHECK(closure != nullptr, "LBFGS", "expected a closure that re-evaluates the loss, got none");
  const auto& o = group_options<LBFGSOptions>(param_groups()[0], "LBFGS");
  const int64_t max_eval = o.max_eval().value_or(o.max_iter() * 5 / 4);
  OptimizerParamState& state = param_state(param_groups()[0].params()[0]);
  Tensor orig_loss = evaluate(closure);
  NoGradGuard no_grad;
  double loss = orig_loss.item<double>();
  int64_t current_evals = 1;
  state.numbers["func_evals"] += 1;
  Tensor flat_grad = gather_flat_grad();
  if (abs_max(flat_grad) <= o.tolerance_grad()) return orig_loss;

  Tensor d = state.buffers["d"];
  double t = state.numbers["t"];
  double h_diag = state.numbers.count("H_diag") ? state.numbers["H_diag"] : 1.0;
  double prev_loss = state.numbers["prev_loss"];
  for (int64_t n_iter = 1; n_iter <= o.max_iter(); ++n_iter) {
    int64_t global_iter = ++state.step;
    if (global_iter == 1) {
      d = flat_grad.neg();
      state.lists.clear();
      h_diag = 1;
    } else {
      h_diag = update_history(state, flat_grad, state.buffers["prev_flat_grad"], d, t, h_diag, o.history_size());
      d = two_loop_direction(state, flat_grad, h_diag);
    }
    state.buffers["prev_flat_grad"] = flat_grad.clone();
    prev_loss = loss;
    t = global_iter == 1 ? std::min(1.0, 1.0 / flat_grad.abs().sum().item<double>()) * o.lr() : o.lr();
    double gtd = dot_value(flat_grad, d);
    if (gtd > -o.tolerance_change()) break;

    Move move{loss, flat_grad, t, 0, false};
    take_step(closure, o, d, gtd, n_iter == o.max_iter(), move);
    loss = move.loss, flat_grad = move.flat_grad, t = move.t;
    int64_t ls_evals = move.evals;
    bool opt_cond = move.opt_cond;
    current_evals += ls_evals;
    state.numbers["func_evals"] += double(ls_evals);
    if (n_iter == o.max_iter() || current_evals >= max_eval || opt_cond) break;
    if (abs_max(d * t) <= o.tolerance_change() || std::abs(loss - prev_loss) < o.tolerance_change()) break;
  }
  state.buffers["d"] = d;
  state.numbers["t"] = t;
  state.numbers["H_diag"] = h_diag;
  state.numbers["prev_loss"] = prev_loss;
  state.numbers["n_iter"] = double(state.step);
  return orig_loss;
}

}  // namespace convis::optim
