// The engine on graphs of custom Functions: accumulation, retain_graph, hooks, grad(),
// errors, freeing saved tensors, long chains.
#include "helpers.h"

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/engine.h"
#include "convis/autograd/function.h"
#include "convis/autograd/gradcheck.h"
#include "convis/autograd/graph_print.h"
#include "convis/autograd/grad_mode.h"

using namespace convis;
using namespace convis::autograd;
using convis_test::leaf;
using convis_test::values;
using V = std::vector<double>;

namespace {

// y = x * x * c, dy/dx = 2 c x: a custom function with a saved input and saved data.
struct ScaledSquare : Function<ScaledSquare> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double c) {
    ctx->save_for_backward({x});
    ctx->saved_data["c"] = c;
    return x * x * c;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    double c = ctx->saved_data["c"].toDouble();
    return {g[0] * x * (2 * c), Tensor()};
  }
};

// Sum to a 0-dim tensor; backward broadcasts the gradient.
struct Total : Function<Total> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    ctx->saved_data["shape"] = x.sizes();
    return x.sum();
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    return {g[0].expand(ctx->saved_data["shape"].toIntList()).contiguous()};
  }
};

// exp, saving its own output (must not leak through a reference cycle).
struct Exp : Function<Exp> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor y = x.exp();
    ctx->save_for_backward({y});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    return {g[0] * ctx->get_saved_variables()[0]};
  }
};


}  // namespace

TEST_CASE("a custom Function records a node and accumulates into leaves", "[autograd]") {
  Tensor x = leaf({1, 2, 3});
  Tensor y = Total::apply(ScaledSquare::apply(x, 3.0));
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK(y.grad_fn()->name() == "TotalBackward");
  CHECK(y.grad_fn()->next_edges()[0].function->name() == "ScaledSquareBackward");
  y.backward({}, true);
  CHECK(values(x.grad()) == V{6, 12, 18});
  y.backward();  // accumulates
  CHECK(values(x.grad()) == V{12, 24, 36});
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("pass retain_graph=true"));
}

TEST_CASE("backward errors follow LibTorch", "[autograd]") {
  Tensor x = leaf({1, 2});
  Tensor y = ScaledSquare::apply(x, 1.0);
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("grad can be implicitly created only for scalar outputs"));
  Tensor plain = tensor({1.0});
  CHECK_THROWS_WITH(plain.backward(), Catch::Contains("does not require grad and does not have a grad_fn"));
  CHECK_THROWS_WITH(y.backward(ones({3}, kFloat64)), Catch::Contains("expected a gradient of shape [2]"));
  CHECK_THROWS_WITH(arange(3).requires_grad_(), Catch::Contains("only tensors of floating point dtype"));
  CHECK_THROWS_WITH(y.requires_grad_(false), Catch::Contains("only change requires_grad flags of leaf variables"));
}

TEST_CASE("an in-place write to a saved tensor is caught at backward, naming both versions", "[autograd]") {
  Tensor a = leaf({1, 2});
  CHECK(a._version() == 0);
  Tensor s = ScaledSquare::apply(a, 1.0);
  {
    NoGradGuard g;
    a.detach().mul_(2);  // a's storage is now at version 1
  }
  CHECK_THROWS_WITH(Total::apply(s).backward(),
                    Catch::Contains("saved by ScaledSquareBackward at version 0") &&
                        Catch::Contains("now at version 1"));
}

TEST_CASE("autograd::grad returns gradients without touching .grad; allow_unused", "[autograd]") {
  Tensor x = leaf({1, 2, 3});
  Tensor z = leaf({5});
  Tensor y = Total::apply(ScaledSquare::apply(x, 0.5));
  variable_list g = grad({y}, {x}, {}, true);
  CHECK(values(g[0]) == V{1, 2, 3});
  CHECK_FALSE(x.grad().defined());
  CHECK_THROWS_WITH(grad({y}, {z}, {}, true), Catch::Contains("appears to not have been used in the graph"));
  variable_list g2 = grad({y}, {x, z}, {}, true, false, true);
  CHECK_FALSE(g2[1].defined());
}

TEST_CASE("hooks see and may replace gradients; retain_grad keeps a non-leaf's", "[autograd]") {
  Tensor x = leaf({1, 2});
  Tensor h = ScaledSquare::apply(x, 1.0);
  h.retain_grad();
  int seen = 0;
  h.register_hook([&](const Tensor& g) { seen += int(g.numel()); });
  x.register_hook([](const Tensor& g) { return g * 10; });
  Total::apply(h).backward();
  CHECK(seen == 2);
  CHECK(values(h.grad()) == V{1, 1});
  CHECK(values(x.grad()) == V{20, 40});
}

TEST_CASE("post-accumulate hooks see the accumulated .grad; queued callbacks run after the last node",
          "[autograd]") {
  Tensor x = leaf({1, 2}), w = leaf({3, 4});
  std::vector<std::string> order;
  std::vector<V> grads_seen;
  x.register_post_accumulate_grad_hook([&](const Tensor& leaf_tensor) {
    order.push_back("x");
    grads_seen.push_back(values(leaf_tensor.grad()));
    queue_callback([&] {
      order.push_back("callback 1");
      queue_callback([&] { order.push_back("callback 3 (queued by callback 1)"); });
    });
    queue_callback([&] { order.push_back("callback 2"); });
  });
  w.register_post_accumulate_grad_hook([&](const Tensor&) { order.push_back("w"); });
  Total::apply(ScaledSquare::apply(x, 1.0) * w).backward();  // x.grad = 2 x w; w's node runs first
  Total::apply(ScaledSquare::apply(x, 1.0)).backward();      // + 2 x: the hook sees the sum
  CHECK(grads_seen == std::vector<V>{{6, 16}, {8, 20}});
  CHECK(order == std::vector<std::string>{"w", "x", "callback 1", "callback 2", "callback 3 (queued by callback 1)",
                                          "x", "callback 1", "callback 2", "callback 3 (queued by callback 1)"});
  // A callback that throws: backward throws, and the next backward starts clean.
  Tensor y = leaf({1});
  bool first = true;
  y.register_post_accumulate_grad_hook([&](const Tensor&) {
    if (first) queue_callback([] { throw Error("[test] a failing callback"); });
    first = false;
  });
  CHECK_THROWS_WITH(Total::apply(y).backward(), Catch::Contains("a failing callback"));
  Total::apply(y).backward();
  CHECK(values(y.grad()) == V{2});
  // Outside a backward, and on tensors without a .grad of their own.
  CHECK_THROWS_WITH(queue_callback([] {}), Catch::Contains("[queue_callback] expected a call during a backward pass"));
  Tensor h = ScaledSquare::apply(x, 1.0);
  CHECK_THROWS_WITH(h.register_post_accumulate_grad_hook([](const Tensor&) {}),
                    Catch::Contains("expected a leaf tensor") && Catch::Contains("ScaledSquare"));
  CHECK_THROWS_WITH(ones({2}).register_post_accumulate_grad_hook([](const Tensor&) {}),
                    Catch::Contains("expected a tensor that requires grad"));
  CHECK_THROWS_WITH(x.register_post_accumulate_grad_hook(nullptr),
                    Catch::Contains("[register_post_accumulate_grad_hook] expected a hook, got an empty std::function"));
  Tensor z = leaf({1});
  z.register_post_accumulate_grad_hook([](const Tensor&) { queue_callback(nullptr); });
  CHECK_THROWS_WITH(Total::apply(z).backward(),
                    Catch::Contains("[queue_callback] expected a callback, got an empty std::function"));
}

TEST_CASE("NoGradGuard stops recording; detach shares storage without history", "[autograd]") {
  Tensor x = leaf({1, 2});
  {
    NoGradGuard g;
    CHECK_FALSE(GradMode::is_enabled());
    CHECK_FALSE(ScaledSquare::apply(x, 1.0).requires_grad());
  }
  CHECK(GradMode::is_enabled());
  Tensor d = ScaledSquare::apply(x, 1.0).detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_leaf());
}

TEST_CASE("saved tensors are freed after backward, and saving an output leaks nothing", "[autograd]") {
  int64_t before = cpu_memory_stats().live_bytes;
  const int64_t bytes = 1000 * 8;
  {
    Tensor x = tensor(std::vector<double>(1000, 0.5), dtype(kFloat64).requires_grad(true));
    Tensor y = Total::apply(Exp::apply(x));  // holds x, exp's output (saved), y
    int64_t with_graph = cpu_memory_stats().live_bytes;
    y.backward({}, /*retain_graph=*/true);   // adds x.grad, keeps exp's output
    CHECK(cpu_memory_stats().live_bytes == with_graph + bytes);
    CHECK_FALSE(y.grad_fn()->next_edges()[0].function->saved()[0].was_released());
    y.backward();                            // accumulates out of place, then frees exp's output
    CHECK(cpu_memory_stats().live_bytes == with_graph);
    CHECK(y.grad_fn()->next_edges()[0].function->saved()[0].was_released());
  }
  CHECK(cpu_memory_stats().live_bytes == before);
}

TEST_CASE("a chain of 100000 nodes runs backward and frees without recursion", "[autograd][slow]") {
  Tensor z = leaf({2.0});
  Tensor c = z;
  for (int i = 0; i < 100000; ++i) c = Total::apply(c);
  c.backward();
  CHECK(values(z.grad()) == V{1});
  c = Tensor();  // frees 200000 nodes iteratively
  SUCCEED();
}

TEST_CASE("BackwardStepper runs one node at a time", "[autograd]") {
  Tensor x = leaf({1, 2});
  Tensor y = Total::apply(ScaledSquare::apply(x, 1.0));
  BackwardStepper s(y);
  std::vector<std::string> names;
  while (s.step()) {
    names.push_back(s.node()->name());
    CHECK(s.grad_inputs().size() >= 1);
  }
  CHECK(names == std::vector<std::string>{"TotalBackward", "ScaledSquareBackward", "AccumulateGrad"});
  CHECK(values(x.grad()) == V{2, 4});
}

TEST_CASE("print_graph and to_dot show nodes, saved shapes and versions", "[autograd]") {
  Tensor x = leaf({1, 2, 3});
  Tensor y = Total::apply(ScaledSquare::apply(x, 2.0));
  std::string text = print_graph(y);
  CHECK_THAT(text, Catch::Contains("TotalBackward #0"));
  CHECK_THAT(text, Catch::Contains("  ScaledSquareBackward #1  saved: [3] float64 v0"));
  CHECK_THAT(text, Catch::Contains("    AccumulateGrad #2  leaf [3] float64"));
  std::string dot = to_dot(y);
  CHECK_THAT(dot, Catch::StartsWith("digraph autograd {"));
  CHECK_THAT(dot, Catch::Contains("n0 -> n1;"));
}

TEST_CASE("gradcheck passes a right Function and pinpoints a wrong one", "[autograd]") {
  Tensor x = tensor({0.3, -1.2, 2.0}, dtype(kFloat64).requires_grad(true));
  auto right = [](const variable_list& in) { return Total::apply(ScaledSquare::apply(in[0], 1.5)); };
  CHECK(gradcheck(std::function<Tensor(const variable_list&)>(right), {x}).ok);
  struct Wrong : Function<Wrong> {
    static Tensor forward(AutogradContext*, Tensor t) { return t * t; }
    static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
  };
  auto wrong = [](const variable_list& in) { return Total::apply(Wrong::apply(in[0])); };
  GradcheckResult r = gradcheck(std::function<Tensor(const variable_list&)>(wrong), {x});
  CHECK_FALSE(r.ok);
  CHECK(r.input == 0);
  CHECK(r.element == 0);
  CHECK_THAT(r.message, Catch::Contains("input 0, element [0]"));
  CHECK(r.analytic == Approx(1.0));
  CHECK(r.numeric == Approx(0.6));
}

TEST_CASE("DetectAnomalyGuard names the node that produced a NaN and where its forward ran", "[autograd]") {
  Tensor x = tensor({-1.0, 4.0}, dtype(kFloat64).requires_grad(true));
  x.sqrt().sum().backward();  // without the guard: nan in x.grad, no error
  CHECK(std::isnan(x.grad()[0].item<double>()));
  DetectAnomalyGuard anomaly;
  Tensor y = x.sqrt().sum();
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("[backward] SqrtBackward0 returned nan values in its output 0") &&
                                      Catch::Contains("its forward op was called from"));
}

TEST_CASE("second derivatives through create_graph", "[autograd]") {
  Tensor x = tensor({0.5, -2.0}, dtype(kFloat64).requires_grad(true));
  Tensor y = (x * x * x).sum();  // dy/dx = 3x^2, d2y/dx2 = 6x
  variable_list g = grad({y}, {x}, {}, true, true);
  CHECK(g[0].requires_grad());
  CHECK(values(g[0]) == V{0.75, 12.0});
  g[0].sum().backward();
  CHECK(values(x.grad()) == V{3.0, -12.0});
}
