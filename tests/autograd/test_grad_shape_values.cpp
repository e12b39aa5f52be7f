// Hand-checked gradients, LibTorch's node names and the in-place rules of the shape ops.
#include "helpers.h"

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/node.h"

using namespace convis;
using convis_test::values;
using indexing::Ellipsis;
using indexing::None;
using indexing::Slice;
using V = std::vector<double>;

namespace {

Tensor leaf(std::initializer_list<double> v, const Shape& shape) {
  return tensor(v, kFloat64).reshape(shape).detach().requires_grad_(true);
}

// The gradient of sum(y * ones) for y = f(x): how often each element of x is used.
V uses(const Tensor& x, const Tensor& y) {
  y.backward(ones_like(y));
  return values(x.grad());
}

std::string name(const Tensor& y) { return y.grad_fn() ? y.grad_fn()->name() : "none"; }

}  // namespace

TEST_CASE("a chain of views backward: t, reshape (a copy), slice", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = x.t().reshape({6}).slice(0, 1, std::nullopt, 2);  // [1,4,2,5,3,6][1::2] = [4, 5, 6]
  CHECK(values(y) == V{4, 5, 6});
  CHECK(name(y) == "SliceBackward0");
  const auto& unsafe = y.grad_fn()->next_edges()[0].function;
  CHECK(unsafe->name() == "UnsafeViewBackward0");
  CHECK(unsafe->next_edges()[0].function->name() == "CloneBackward0");
  CHECK(unsafe->next_edges()[0].function->next_edges()[0].function->name() == "TBackward0");
  CHECK(uses(x, y) == V{0, 0, 0, 1, 1, 1});
}

TEST_CASE("views of views: unsqueeze, expand, permute, select, squeeze, unfold", "[autograd]") {
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor y = x.unsqueeze(0).expand({2, 3}).permute({1, 0}).select(1, 1).unsqueeze(1).squeeze();
  CHECK(uses(x, y) == V{1, 1, 1});
  Tensor z = leaf({0, 1, 2, 3, 4}, {5});
  CHECK(uses(z, z.unfold(0, 3, 1)) == V{1, 2, 3, 2, 1});
  Tensor w = leaf({0, 1, 2, 3}, {4});
  CHECK(uses(w, w.as_strided({3, 2}, {1, 1})) == V{1, 2, 2, 1});
}

TEST_CASE("basic Tensor::index records through the view ops", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = x.index({Slice(), 1});
  if (!y.requires_grad()) {  // Tensor::index records in autograd/ops/index.cpp (the reduce family)
    WARN("Tensor::index does not record yet");
    return;
  }
  CHECK(name(y) == "SelectBackward0");
  CHECK(name(x.index({Slice(None, None, 2), None})) == "UnsqueezeBackward0");
  Tensor z = x.index({1, None, Ellipsis, Slice(1)});  // x[1, None, ..., 1:] = [[5, 6]]
  CHECK(name(z) == "SliceBackward0");
  CHECK(values(z) == V{5, 6});
  CHECK(uses(x, z) == V{0, 0, 0, 0, 1, 1});
  Tensor w = x.clone();
  w.index({0}).zero_();  // a write through the view: w's history is rebased (CopySlices)
  CHECK(name(w) == "CopySlices");
  CHECK(uses(x, w) == V{0, 0, 0, 1, 2, 2});  // row 1, added to the gradient from z above
}

TEST_CASE("pad's gradients add the borders back: reflect, replicate, circular, constant", "[autograd]") {
  auto grad_of = [](PadMode mode) {
    Tensor x = leaf({1, 2, 3, 4}, {1, 1, 4});
    return uses(x, pad(x, {2, 1}, mode));
  };
  CHECK(grad_of(PadMode::reflect) == V{1, 2, 3, 1});    // [x2 x1 | x0 x1 x2 x3 | x2]
  CHECK(grad_of(PadMode::replicate) == V{3, 1, 1, 2});  // [x0 x0 | x0 x1 x2 x3 | x3]
  CHECK(grad_of(PadMode::circular) == V{2, 1, 2, 2});   // [x2 x3 | x0 x1 x2 x3 | x0]
  CHECK(grad_of(PadMode::constant) == V{1, 1, 1, 1});
  Tensor x = leaf({1, 2, 3, 4}, {1, 4});
  CHECK(uses(x, pad(x, {-1, 1})) == V{0, 1, 1, 1});  // the cropped element gets nothing
}

TEST_CASE("cat, stack, split, flip, roll: gradients and names", "[autograd]") {
  Tensor a = leaf({1, 2}, {2}), b = leaf({3, 4, 5}, {3});
  Tensor c = cat({a, b});
  CHECK(name(c) == "CatBackward0");
  c.backward(tensor({10, 20, 30, 40, 50}, kFloat64));
  CHECK(values(a.grad()) == V{10, 20});
  CHECK(values(b.grad()) == V{30, 40, 50});
  Tensor s = stack({a, a}, 1);
  CHECK(name(s) == "StackBackward0");
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor r = x.roll({1});
  CHECK(name(r) == "RollBackward0");
  r.backward(tensor({10, 20, 30}, kFloat64));  // r = [x2, x0, x1]
  CHECK(values(x.grad()) == V{20, 30, 10});
  CHECK(name(x.flip({0})) == "FlipBackward0");
  CHECK(name(split(x, 2)[1]) == "SliceBackward0");  // LibTorch: SplitBackward0
}

TEST_CASE("the shape ops record LibTorch 1.13's node names", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(name(x.view({3, 2})) == "ViewBackward0");
  CHECK(name(x.reshape({3, 2})) == "ReshapeAliasBackward0");
  CHECK(name(x.t().reshape({6})) == "UnsafeViewBackward0");
  CHECK(name(x.permute({1, 0})) == "PermuteBackward0");
  CHECK(name(x.transpose(0, 1)) == "TransposeBackward0");
  CHECK(name(x.t()) == "TBackward0");
  CHECK(name(x.slice(1, 1)) == "SliceBackward0");
  CHECK(name(x.narrow(1, 0, 2)) == "SliceBackward0");
  CHECK(name(x.select(0, 1)) == "SelectBackward0");
  CHECK(name(x.unsqueeze(0).expand({2, 2, 3})) == "ExpandBackward0");
  CHECK(name(x.unsqueeze(0).squeeze()) == "SqueezeBackward0");
  CHECK(name(x.unsqueeze(0).squeeze(0)) == "SqueezeBackward1");
  CHECK(name(x.unsqueeze(0)) == "UnsqueezeBackward0");
  CHECK(name(x.unfold(1, 2, 1)) == "UnfoldBackward0");
  CHECK(name(x.as_strided({2}, {1})) == "AsStridedBackward0");
  CHECK(x.contiguous().is_same(x));  // no node: contiguous() returns x itself
  CHECK(name(x.t().contiguous()) == "CloneBackward0");
  CHECK(name(x.clone()) == "CloneBackward0");
  CHECK(name(x.to(kFloat32)) == "ToCopyBackward0");
  CHECK(x.to(kFloat64).is_same(x));
  Tensor p = leaf({1, 2, 3, 4}, {1, 1, 4});
  CHECK(name(pad(p, {1, 1})) == "ConstantPadNdBackward0");
  CHECK(name(pad(p, {1, 1}, PadMode::reflect)) == "ReflectionPad1DBackward0");
  CHECK(name(pad(p.view({1, 1, 2, 2}), {1, 1, 1, 0}, PadMode::replicate)) == "ReplicationPad2DBackward0");
  CHECK(name(pad(p, {1, 1}, PadMode::circular)) == "torch::autograd::CopySlices");
  Tensor y = x.clone();
  CHECK(name(y.copy_(x.flip({0}))) == "torch::autograd::CopyBackwards");
  CHECK(name(x.clone().fill_(1.0)) == "FillBackward2");
  CHECK(name(x.clone().fill_(tensor(2.0, kFloat64))) == "FillBackward3");
  CHECK(name(x.clone().zero_()) == "ZeroBackward0");
}

TEST_CASE("copy_, fill_ and zero_ in place: gradients to the source, zero to the old value", "[autograd]") {
  Tensor x = leaf({1, 2, 3}, {3}), src = leaf({7, 8, 9}, {3});
  Tensor y = x.clone();
  y.copy_(src);
  CHECK(values(y) == V{7, 8, 9});
  y.backward(tensor({1, 2, 3}, kFloat64));
  CHECK(values(x.grad()) == V{0, 0, 0});
  CHECK(values(src.grad()) == V{1, 2, 3});

  Tensor f32 = tensor({1.0f, 2.0f}).requires_grad_(true);  // a float32 source, broadcast into float64
  Tensor dst = zeros({2, 2}, kFloat64);
  dst.copy_(f32);
  dst.backward(ones_like(dst));
  CHECK(f32.grad().dtype() == kFloat32);
  CHECK(values(f32.grad()) == V{2, 2});

  Tensor v = tensor(5.0, kFloat64).requires_grad_(true);
  Tensor z = x.clone();
  z.fill_(v);
  z.backward(tensor({1, 2, 3}, kFloat64));
  CHECK(values(v.grad()) == V{6});

  Tensor h = leaf({1, 2}, {2});
  Tensor cast = h.to(kFloat32);
  cast.backward(ones_like(cast));
  CHECK(h.grad().dtype() == kFloat64);
  CHECK(values(h.grad()) == V{1, 1});
}

TEST_CASE("in-place writes: a leaf and its views are rejected, a view of a non-leaf writes through", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4}, {2, 2});
  CHECK_THROWS_WITH(x.copy_(zeros({2, 2}, kFloat64)), Catch::Contains("a leaf tensor that requires grad"));
  CHECK_THROWS_WITH(x.fill_(1.0), Catch::Contains("[fill_]"));
  CHECK_THROWS_WITH(x.zero_(), Catch::Contains("[zero_]"));
  CHECK_THROWS_WITH(x.select(0, 0).fill_(2.0), Catch::Contains("a view of a leaf tensor that requires grad"));
  CHECK_THROWS_WITH(x.t().copy_(zeros({2, 2}, kFloat64)), Catch::Contains("[copy_]"));
  CHECK(values(x) == V{1, 2, 3, 4});  // nothing was written
  Tensor y = x.clone();
  y.select(0, 0).fill_(2.0);     // [[2, 2], [3, 4]]
  y.t().select(0, 1).mul_(10);   // column 1: [[2, 20], [3, 40]]
  y.narrow(1, 0, 1).zero_();     // column 0: [[0, 20], [0, 40]]
  CHECK(values(y) == V{0, 20, 0, 40});
  CHECK(name(y) == "CopySlices");
  CHECK(uses(x, y) == V{0, 0, 0, 10});  // only x[1][1] survives, times 10
  {
    NoGradGuard no_grad;
    x.select(0, 0).fill_(2.0);  // without recording, a leaf's views may be written
  }
  CHECK(values(x) == V{2, 2, 3, 4});
}

TEST_CASE("as_strided's backward needs a contiguous input inside its own elements", "[autograd]") {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = x.t().as_strided({2}, {1});
  CHECK_THROWS_WITH(y.backward(ones_like(y)), Catch::Contains("only implemented for a contiguous input"));
  Tensor inner = x.view({6}).narrow(0, 1, 3);  // elements 1..3 of x's storage
  Tensor z = inner.as_strided({2}, {1}, 0);       // reaches element 0, outside `inner`
  CHECK_THROWS_WITH(z.backward(ones_like(z)), Catch::Contains("inside the input's own elements"));
}
