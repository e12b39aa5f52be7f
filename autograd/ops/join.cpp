// autograd/ops/join.cpp: the public differentiable joins, reorders and pads, forward
// and backward side by side, and the adjoints that autograd/ops/view.cpp shares.
//
//   cat(xs, d)                  xs[i]: grad.narrow(d, offset_i, xs[i].size(d))
//   stack(xs, d)                xs[i]: grad.select(d, i)
//   flip(x, dims)               x: grad.flip(dims)
//   roll(x, shifts, dims)       x: grad.roll(-shifts, dims)
//   pad(x, p, constant)         x: pad(grad, -p)                     (crop what was added)
//   pad(x, p, reflect)          x: interior + the mirrored borders added back
//   pad(x, p, replicate)        x: interior + each border summed into its edge slice
//   pad(x, p, circular)         x: interior + each border added back where it wrapped from
//
// Composite: split and chunk (narrow views, core/native/join.cpp).
#include <algorithm>

#include "convis/autograd/ops/view_backward.h"
#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"

namespace convis {

using autograd::FunctionNode;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  Tensor y = native::cat(tensors, dim);
  if (!autograd::any_requires_grad(tensors)) return y;
  // Per input: where it starts along d, or -1 for a legacy empty input (see Note [Legacy empty tensors in cat]).
  const int64_t d = normalize_dim(dim, std::max<int64_t>(y.dim(), 1), "cat");
  std::vector<std::pair<int64_t, int64_t>> parts;  // (offset, length)
  int64_t offset = 0;
  for (const Tensor& t : tensors) {
    bool skipped = t.dim() == 1 && t.size(0) == 0;
    parts.emplace_back(skipped ? -1 : offset, skipped ? 0 : t.size(d));
    if (!skipped) offset += t.size(d);
  }
  auto backward = [d, parts](FunctionNode& n, const variable_list& g) {
    variable_list out;
    for (size_t i = 0; i < parts.size(); ++i) {
      bool wanted = n.needs_input_grad(i) && parts[i].first >= 0;
      out.push_back(wanted ? g[0].narrow(d, parts[i].first, parts[i].second) : Tensor());
    }
    return out;
  };
  autograd::record({"CatBackward0", autograd::pointers_to(tensors), {}, backward}, {&y});
  return y;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  Tensor y = native::stack(tensors, dim);
  if (!autograd::any_requires_grad(tensors)) return y;
  const int64_t d = normalize_dim(dim, y.dim(), "stack");
  auto backward = [d](FunctionNode& n, const variable_list& g) {
    variable_list out;
    for (size_t i = 0; i < n.next_edges().size(); ++i)
      out.push_back(n.needs_input_grad(i) ? g[0].select(d, int64_t(i)) : Tensor());
    return out;
  };
  autograd::record({"StackBackward0", autograd::pointers_to(tensors), {}, backward}, {&y});
  return y;
}

Tensor flip(const Tensor& x, const Shape& dims) {
  return recorded(native::flip(x, dims), {&x}, [&]() -> OpRecord {
    return {"FlipBackward0", {&x}, {}, [dims](FunctionNode&, const variable_list& g) {
              return variable_list{g[0].flip(dims)};
            }};
  });
}

Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims) {
  return recorded(native::roll(x, shifts, dims), {&x}, [&]() -> OpRecord {
    Shape back = shifts;
    for (int64_t& s : back) s = -s;
    return {"RollBackward0", {&x}, {}, [back, dims](FunctionNode&, const variable_list& g) {
              return variable_list{g[0].roll(back, dims)};
            }};
  });
}

// ---- pad ----

namespace {

// The adjoint of padding dim d (size n inside, b before, a behind; b, a >= 0) in a
// non-constant mode: the interior plus each border put back where it was copied from.
Tensor pad_dim_backward(const Tensor& g, int64_t d, int64_t n, int64_t b, int64_t a, PadMode mode) {
  Tensor out = g.narrow(d, b, n);
  if (b > 0) {
    Tensor front = g.narrow(d, 0, b);  // out[b - j] = in[j] (reflect), in[0], in[n - b + i] (circular)
    if (mode == PadMode::reflect) out = out + autograd::pad_dim(front.flip({d}), d, 1, n - 1 - b);
    if (mode == PadMode::replicate) out = out + autograd::pad_dim(front.sum({d}, true), d, 0, n - 1);
    if (mode == PadMode::circular) out = out + autograd::pad_dim(front, d, n - b, 0);
  }
  if (a > 0) {
    Tensor back = g.narrow(d, b + n, a);  // out[b+n-1 + j] = in[n-1 - j], in[n - 1], in[i]
    if (mode == PadMode::reflect) out = out + autograd::pad_dim(back.flip({d}), d, n - 1 - a, 1);
    if (mode == PadMode::replicate) out = out + autograd::pad_dim(back.sum({d}, true), d, n - 1, 0);
    if (mode == PadMode::circular) out = out + autograd::pad_dim(back, d, 0, n - a);
  }
  return out;
}

// The adjoint of pad(x, pads, mode) for x of shape `sizes`, mode not constant.  Negative pads
// crop the padded result (reflect, replicate) or the input (circular), see Note [Negative
// pads in the non-constant modes]; a crop's adjoint puts zeros back where it cut.
Tensor pad_backward(const Tensor& g, const Shape& sizes, const Shape& pads, PadMode mode) {
  Shape uncrop(pads.size(), 0);
  for (size_t i = 0; i < pads.size(); ++i) uncrop[i] = std::max<int64_t>(-pads[i], 0);
  const bool cropped = std::any_of(uncrop.begin(), uncrop.end(), [](int64_t v) { return v > 0; });
  Tensor out = g;
  if (cropped && mode != PadMode::circular) out = pad(out, uncrop);
  for (size_t i = 0; i < pads.size() / 2; ++i) {
    const int64_t d = int64_t(sizes.size()) - 1 - int64_t(i);
    const int64_t lo = pads[2 * i], hi = pads[2 * i + 1];
    int64_t n = sizes[size_t(d)];
    if (mode == PadMode::circular) n += std::min<int64_t>(lo, 0) + std::min<int64_t>(hi, 0);
    out = pad_dim_backward(out, d, n, std::max<int64_t>(lo, 0), std::max<int64_t>(hi, 0), mode);
  }
  if (cropped && mode == PadMode::circular) out = pad(out, uncrop);
  return out;
}

// LibTorch 1.13's node for each mode and number of padded dims (1 to 3, checked by
// native::pad for the non-constant modes); circular padding is a Python composite there,
// whose last step is an in-place copy into a slice of the output (CopySlices).
const char* pad_node_name(PadMode mode, size_t padded_dims) {
  static constexpr const char* kReflect[] = {"ReflectionPad1DBackward0", "ReflectionPad2DBackward0",
                                             "ReflectionPad3DBackward0"};
  static constexpr const char* kReplicate[] = {"ReplicationPad1DBackward0", "ReplicationPad2DBackward0",
                                               "ReplicationPad3DBackward0"};
  const size_t k = std::clamp<size_t>(padded_dims, 1, 3) - 1;
  switch (mode) {
    case PadMode::constant: return "ConstantPadNdBackward0";
    case PadMode::reflect: return kReflect[k];
    case PadMode::replicate: return kReplicate[k];
    case PadMode::circular: return "torch::autograd::CopySlices";
  }
  return "PadBackward";
}

}  // namespace

Tensor pad(const Tensor& x, const Shape& pads, PadMode mode, double value) {
  Tensor y = native::pad(x, pads, mode, value);
  if (!autograd::any_requires_grad({&x})) return y;
  const char* name = pad_node_name(mode, pads.size() / 2);
  if (mode == PadMode::constant) {
    Shape crop = pads;
    for (int64_t& p : crop) p = -p;
    autograd::record({name, {&x}, {}, [crop](FunctionNode&, const variable_list& g) {
                        return variable_list{pad(g[0], crop)};
                      }},
                     {&y});
    return y;
  }
  autograd::record({name, {&x}, {}, [sizes = x.sizes(), pads, mode](FunctionNode&, const variable_list& g) {
                      return variable_list{pad_backward(g[0], sizes, pads, mode)};
                    }},
                   {&y});
  return y;
}

// ---- the Tensor methods of this family: each forwards to the free function above ----

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  CONVIS_CHECK(x.dim() > 0, "split", "expected a tensor with at least 1 dim, got a 0-dim tensor");
  CONVIS_CHECK(split_size >= 0, "split", "expected a non-negative split_size, got {}", split_size);
  const int64_t d = normalize_dim(dim, x.dim(), "split");
  const int64_t n = x.size(d);
  CONVIS_CHECK(split_size > 0 || n == 0, "split",
               "expected split_size > 0 for dim {} of size {} (split_size can only be 0 if the dim is empty), got 0",
               d, n);
  const int64_t pieces = split_size == 0 ? 1 : std::max<int64_t>((n + split_size - 1) / split_size, 1);
  std::vector<Tensor> out;
  out.reserve(size_t(pieces));
  for (int64_t i = 0; i < pieces; ++i) {
    int64_t start = i * split_size;
    out.push_back(x.narrow(d, start, std::min(split_size, n - start)));
  }
  return out;
}
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  CONVIS_CHECK(x.dim() > 0, "chunk", "expected a tensor with at least 1 dim, got a 0-dim tensor");
  CONVIS_CHECK(chunks > 0, "chunk", "expected chunks > 0, got {}", chunks);
  const int64_t d = normalize_dim(dim, x.dim(), "chunk");
  const int64_t n = x.size(d);
  if (n == 0) {  // as LibTorch: `chunks` empty views
    std::vector<Tensor> out;
    for (int64_t i = 0; i < chunks; ++i) out.push_back(x.narrow(d, 0, 0));
    return out;
  }
  // As torch.chunk: pieces of ceil(n / chunks), so there may be fewer than `chunks` of them.
  return split(x, (n + chunks - 1) / chunks, d);
}
Tensor Tensor::flip(const Shape& dims) const { return convis::flip(*this, dims); }
Tensor Tensor::roll(const Shape& shifts, const Shape& dims) const { return convis::roll(*this, shifts, dims); }
std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return convis::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const { return convis::chunk(*this, chunks, dim); }

}  // namespace convis

namespace convis::autograd {

Tensor pad_dim(const Tensor& g, int64_t d, int64_t before, int64_t after) {
  if (before == 0 && after == 0) return g;
  Shape pads(size_t(2 * (g.dim() - d)), 0);
  pads[pads.size() - 2] = before;
  pads[pads.size() - 1] = after;
  return pad(g, pads);
}

// Note [Strided embedding]
// embed puts g's m slices at start + k * step: each slice gets step - 1 zero slices behind
// it (a new dim of size step, padded, merged into d), the tail past the last slice is cut,
// and the rest of d is padded with zeros.  Only pad, unsqueeze, reshape and narrow: each is
// differentiable, so slice and select have a differentiable backward.
Tensor embed(const Tensor& g, int64_t d, int64_t n, int64_t start, int64_t step) {
  const int64_t m = g.size(d);
  if (m == 0) return pad_dim(g, d, 0, n);
  Tensor spread = g;
  int64_t length = m;
  if (step > 1) {
    spread = pad_dim(g.unsqueeze(d + 1), d + 1, 0, step - 1).flatten(d, d + 1);
    length = (m - 1) * step + 1;
    spread = spread.narrow(d, 0, length);
  }
  return pad_dim(spread, d, start, n - start - length);
}

// Note [Unfold's adjoint]
// Window k's element j came from x[k * step + j].  Windows overlap when step < size, so the
// window dim is cut into blocks of `step` elements: within block r, windows do not overlap,
// and block r is laid out like a non-overlapping unfold (pad each window to `step`, merge
// with the window-count dim) shifted by r * step.  The blocks' layouts are added: size/step
// rounded up of them, one when windows do not overlap.
Tensor unfold_backward(const Tensor& g, const Shape& sizes, int64_t d, int64_t size, int64_t step) {
  if (sizes.empty()) return size == 1 ? g.reshape({}) : zeros({}, g.options());
  const int64_t n = sizes[size_t(d)], count = g.size(d), last = g.dim() - 1;
  Shape perm;  // the window dim moved next to d: [.., count, size, ..]
  for (int64_t i = 0; i <= d; ++i) perm.push_back(i);
  perm.push_back(last);
  for (int64_t i = d + 1; i < last; ++i) perm.push_back(i);
  const Tensor windows = g.permute(perm);
  Tensor total;
  for (int64_t r = 0; r * step < size; ++r) {
    const int64_t w = std::min(step, size - r * step);
    Tensor block = pad_dim(windows.narrow(d + 1, r * step, w), d + 1, 0, step - w).flatten(d, d + 1);
    block = pad_dim(block, d, r * step, n - r * step - count * step);  // a negative tail cuts only zeros
    total = total.defined() ? total + block : block;
  }
  return total.defined() ? total : zeros(sizes, g.options());
}

// Note [as_strided's adjoint]
// Output element i reads storage element offset + sum_k i_k * strides[k].  For an input
// that is contiguous, that is input element (that - input_offset) when it lies in
// [0, numel), and the gradient is the output gradient scatter-added there (index_add, so
// overlapping views add up).  Views of other inputs, or views reaching outside the input's
// elements, would need LibTorch's full storage-geometry algorithm: they throw.
Tensor as_strided_backward(const Tensor& g, const AsStridedGeometry& geo) {
  const int64_t numel = convis::numel(geo.input_sizes);
  CONVIS_CHECK(geo.input_contiguous, "as_strided",
               "backward is only implemented for a contiguous input, got a non-contiguous input of shape {} "
               "(call contiguous() before as_strided)", geo.input_sizes);
  Tensor index = scalar_tensor(geo.offset - geo.input_offset, kInt64);
  for (size_t k = 0; k < geo.sizes.size(); ++k) {
    Shape along(geo.sizes.size(), 1);
    along[k] = geo.sizes[k];
    index = index + arange(geo.sizes[k], kInt64).view(along) * geo.strides[k];
  }
  index = index.expand(geo.sizes).reshape({-1});
  if (index.numel() > 0) {
    const int64_t lo = index.min().item<int64_t>(), hi = index.max().item<int64_t>();
    CONVIS_CHECK(lo >= 0 && hi < numel, "as_strided",
                 "backward is only implemented for views inside the input's own elements, got a view (sizes {}, "
                 "strides {}, offset {}) reaching elements {}..{} of an input with {} elements at offset {}",
                 geo.sizes, geo.strides, geo.offset, lo, hi, numel, geo.input_offset);
  }
  return index_add(zeros({numel}, g.options()), 0, index, g.reshape({-1})).view(geo.input_sizes);
}

}  // namespace convis::autograd
