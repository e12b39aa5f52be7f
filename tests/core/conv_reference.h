// tests/core/conv_reference.h: slow, obviously-correct references for the conv and pool tests.
//
//   Tensor x = pattern({2, 3, 9}, kFloat64);          // small exact integers
//   NaiveConv r = naive_conv(x, w, {2}, {1}, {1}, 1, g);  // r.out, r.grad_input, r.grad_weight
//
// Everything is computed in float64 by direct loops over the definition; the spatial dims
// are lifted to (T, H, W) like the library does, but with none of its code.
#pragma once

#include "helpers.h"

namespace convis_test {

// Small integers in a pattern, exact in every dtype: (i * 7 + 3) % 11 - 5, shifted by `salt`.
inline convis::Tensor pattern(const convis::Shape& shape, convis::DType dtype, int64_t salt = 0) {
  convis::Tensor t = convis::empty(shape, convis::kInt64);
  int64_t* p = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = ((i + salt) * 7 + 3) % 11 - 5;
  return t.to(dtype);
}

// Sum of a * b over all elements (same shapes), in float64.
inline double inner(const convis::Tensor& a, const convis::Tensor& b) {
  convis::Tensor ac = a.to(convis::kFloat64).contiguous(), bc = b.to(convis::kFloat64).contiguous();
  double s = 0;
  for (int64_t i = 0; i < ac.numel(); ++i) s += ac.data_ptr<double>()[i] * bc.data_ptr<double>()[i];
  return s;
}

struct NaiveConv {
  convis::Tensor out, grad_input, grad_weight;
};

// A batched convolution (x [N, C, *S], w [Cout, C/groups, *K]) with per-dim parameters, and
// its gradients for grad_output g (if defined).
inline NaiveConv naive_conv(const convis::Tensor& x_in, const convis::Tensor& w_in, convis::Shape stride,
                            convis::Shape padding, convis::Shape dilation, int64_t groups,
                            const convis::Tensor& g_in = {}) {
  using convis::Shape;
  const size_t sd = size_t(w_in.dim() - 2);
  auto lift = [](Shape s, int64_t fill) {
    while (s.size() < 3) s.insert(0, fill);
    return s;
  };
  convis::Tensor x = x_in.to(convis::kFloat64).contiguous(), w = w_in.to(convis::kFloat64).contiguous();
  Shape in = lift(Shape(x.sizes().begin() + 2, x.sizes().end()), 1);
  Shape k = lift(Shape(w.sizes().begin() + 2, w.sizes().end()), 1);
  Shape st = lift(stride, 1), pd = lift(padding, 0), dl = lift(dilation, 1), o(3, 0);
  for (size_t d = 0; d < 3; ++d) o[d] = (in[d] + 2 * pd[d] - dl[d] * (k[d] - 1) - 1) / st[d] + 1;
  const int64_t n_batch = x.size(0), cin = x.size(1), cout = w.size(0), cin_g = cin / groups, cout_g = cout / groups;
  Shape out_shape{n_batch, cout};
  for (size_t d = 3 - sd; d < 3; ++d) out_shape.push_back(o[d]);
  NaiveConv r{convis::zeros(out_shape, convis::kFloat64), convis::zeros(x.sizes(), convis::kFloat64),
              convis::zeros(w.sizes(), convis::kFloat64)};
  convis::Tensor g = g_in.defined() ? g_in.to(convis::kFloat64).contiguous() : convis::zeros(out_shape, convis::kFloat64);
  const double *px = x.data_ptr<double>(), *pw = w.data_ptr<double>(), *pg = g.data_ptr<double>();
  double *po = r.out.data_ptr<double>(), *pgx = r.grad_input.data_ptr<double>(), *pgw = r.grad_weight.data_ptr<double>();
  for (int64_t n = 0; n < n_batch; ++n)
    for (int64_t oc = 0; oc < cout; ++oc)
      for (int64_t ot = 0; ot < o[0]; ++ot)
        for (int64_t oh = 0; oh < o[1]; ++oh)
          for (int64_t ow = 0; ow < o[2]; ++ow) {
            const int64_t oi = (((n * cout + oc) * o[0] + ot) * o[1] + oh) * o[2] + ow;
            for (int64_t c = 0; c < cin_g; ++c)
              for (int64_t a = 0; a < k[0]; ++a)
                for (int64_t b = 0; b < k[1]; ++b)
                  for (int64_t e = 0; e < k[2]; ++e) {
                    const int64_t it = ot * st[0] - pd[0] + a * dl[0], ih = oh * st[1] - pd[1] + b * dl[1],
                                  iw = ow * st[2] - pd[2] + e * dl[2];
                    if (it < 0 || it >= in[0] || ih < 0 || ih >= in[1] || iw < 0 || iw >= in[2]) continue;
                    const int64_t ic = (oc / cout_g) * cin_g + c;
                    const int64_t xi = (((n * cin + ic) * in[0] + it) * in[1] + ih) * in[2] + iw;
                    const int64_t wi = (((oc * cin_g + c) * k[0] + a) * k[1] + b) * k[2] + e;
                    po[oi] += px[xi] * pw[wi];
                    pgx[xi] += pg[oi] * pw[wi];
                    pgw[wi] += pg[oi] * px[xi];
                  }
          }
  return r;
}

}  // namespace convis_test
