// core/native/pad.cpp: pad(x, pads, mode, value), as torch.nn.functional.pad in LibTorch 1.13.
//
//   x = [[1, 2, 3]]                        (shape [1, 3], pads given last dim first)
//   pad(x, {2, 1}, constant, 0)  -> [[0, 0, 1, 2, 3, 0]]
//   pad(x, {2, 1}, reflect)      -> [[3, 2, 1, 2, 3, 2]]
//   pad(x, {2, 1}, replicate)    -> [[1, 1, 1, 2, 3, 3]]
//   pad(x.unsqueeze(0), {2, 1}, circular) -> [[[2, 3, 1, 2, 3, 1]]]
//   pad(x, {-1, 0})              -> [[2, 3]]   (negative pads crop)
//
// Like join.cpp this has no kernel: the interior is one copy_ into a narrow() view of the
// output and each border slab one more copy_ or fill_ (see Note [Padding dim by dim]).
// pad is native:: (core/native/view.h), with only native views and copies inside;
// autograd/ops/join.cpp records it.
#include <algorithm>
#include <string_view>

#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

// x.narrow(d, start, length), unrecorded.
Tensor part(const Tensor& x, int64_t d, int64_t start, int64_t length) {
  return native::slice(x, d, start, start + length, 1);
}

void fill(Tensor dst, double value) { native::fill_(dst, value); }

// dst <- src (broadcast), unrecorded; dst is a view into the output.
void put(Tensor dst, const Tensor& src) { native::copy_(dst, src); }

// The padding of one dim: `before` elements in front, `after` behind (negative: cropped).
struct DimPad {
  int64_t dim = 0;
  int64_t before = 0;
  int64_t after = 0;
};

// pads {w_left, w_right, h_top, h_bottom, ...} -> one DimPad per dim, innermost first.
std::vector<DimPad> parse_pads(const Tensor& x, const Shape& pads) {
  CONVIS_CHECK(pads.size() % 2 == 0, "pad",
               "expected an even number of padding values (two per dim, last dim first), got {} values {}",
               pads.size(), pads);
  CONVIS_CHECK(int64_t(pads.size()) <= 2 * x.dim(), "pad",
               "expected at most {} padding values for a {}-D input of shape {}, got {} values {}", 2 * x.dim(),
               x.dim(), x.sizes(), pads.size(), pads);
  std::vector<DimPad> out;
  for (size_t i = 0; i < pads.size() / 2; ++i) out.push_back({x.dim() - 1 - int64_t(i), pads[2 * i], pads[2 * i + 1]});
  return out;
}

// x narrowed by the negative pads (cropping), and the same pads with their negative parts removed.
Tensor crop(const Tensor& x, std::vector<DimPad>& dims) {
  Tensor out = x;
  for (DimPad& p : dims) {
    int64_t lo = std::max<int64_t>(-p.before, 0), hi = std::max<int64_t>(-p.after, 0);
    out = part(out, p.dim, lo, x.size(p.dim) - lo - hi);
    p.before = std::max<int64_t>(p.before, 0);
    p.after = std::max<int64_t>(p.after, 0);
  }
  return out;
}

// Checks that the negative pads crop at most the whole dim.
void check_crop(const Tensor& x, const std::vector<DimPad>& dims) {
  for (const DimPad& p : dims) {
    int64_t left = x.size(p.dim) + std::min<int64_t>(p.before, 0) + std::min<int64_t>(p.after, 0);
    CONVIS_CHECK(left >= 0, "pad",
                 "expected negative padding to crop at most the {} elements of dim {} of input {}, got padding "
                 "({}, {})",
                 x.size(p.dim), p.dim, x.sizes(), p.before, p.after);
  }
}

Tensor pad_constant(const Tensor& x, std::vector<DimPad> dims, double value) {
  check_crop(x, dims);
  Shape out_shape = x.sizes();
  for (const DimPad& p : dims) out_shape[size_t(p.dim)] += p.before + p.after;
  Tensor out = empty(out_shape, x.options());
  if (out.numel() == 0) return out;
  Tensor src = crop(x, dims);  // dims now hold the non-negative parts
  Tensor interior = out;
  for (const DimPad& p : dims) {
    int64_t n = out_shape[size_t(p.dim)];
    if (p.before > 0) fill(part(out, p.dim, 0, p.before), value);
    if (p.after > 0) fill(part(out, p.dim, n - p.after, p.after), value);
    interior = part(interior, p.dim, p.before, n - p.before - p.after);
  }
  put(interior, src);
  return out;
}

// Checks the rank, empty dims and pad sizes that reflect, replicate and circular accept,
// mirroring LibTorch 1.13: reflect and replicate pad the last k dims of a (k+1)-D or
// (k+2)-D (batched) input, circular only of a (k+2)-D one, for k = 1, 2, 3.
void check_non_constant(const Tensor& x, const std::vector<DimPad>& dims, PadMode mode) {
  const int64_t k = int64_t(dims.size());
  const auto name = pad_mode_name(mode);
  CONVIS_CHECK(k >= 1 && k <= 3, "pad", "expected 2, 4 or 6 padding values for {} padding, got {}", name, 2 * k);
  const bool batched = x.dim() == k + 2;
  if (mode == PadMode::circular) {
    CONVIS_CHECK(batched, "pad", "expected a {}-D input (batch, channel and {} padded dims) for circular padding, "
                 "got a {}-D input of shape {}", k + 2, k, x.dim(), x.sizes());
  } else {
    CONVIS_CHECK(batched || x.dim() == k + 1, "pad", "expected a {}-D or {}-D (batched) input for {} padding of "
                 "the last {} dim(s), got a {}-D input of shape {}", k + 1, k + 2, name, k, x.dim(), x.sizes());
    // Zero sizes: reflect allows one in dim 0, replicate only in the batch dim.
    int64_t first = mode == PadMode::reflect || batched ? 1 : 0;
    for (int64_t d = first; d < x.dim(); ++d)
      CONVIS_CHECK(x.size(d) != 0, "pad", "expected non-zero sizes in dims {}.. for {} padding, got input {}",
                   first, name, x.sizes());
  }
}

// The per-dim checks on the padding amounts of the non-constant modes.
void check_non_constant_sizes(const Tensor& x, const std::vector<DimPad>& dims, PadMode mode) {
  for (const DimPad& p : dims) {
    int64_t n = x.size(p.dim), out_n = n + p.before + p.after;
    if (mode == PadMode::reflect)
      CONVIS_CHECK(p.before < n && p.after < n, "pad", "expected padding sizes less than the corresponding input "
                   "dimension, but got: padding ({}, {}) at dimension {} of input {}", p.before, p.after, p.dim,
                   x.sizes());
    if (mode != PadMode::circular)
      CONVIS_CHECK(out_n >= 1, "pad", "expected an output size >= 1 in dim {} of input {}, got {} from padding "
                   "({}, {})", p.dim, x.sizes(), out_n, p.before, p.after);
  }
  if (mode != PadMode::circular) return;
  check_crop(x, dims);
  for (const DimPad& p : dims) {  // circular wraps around the cropped input
    int64_t n = x.size(p.dim) + std::min<int64_t>(p.before, 0) + std::min<int64_t>(p.after, 0);
    CONVIS_CHECK(p.before <= n && p.after <= n, "pad", "expected circular padding of at most the size {} of dim {} "
                 "(padding wraps around at most once), got padding ({}, {}) of input {}", n, p.dim, p.before,
                 p.after, x.sizes());
  }
}

// Note [Padding dim by dim]
// Border slabs are filled from the output itself, one padded dim at a time, innermost first.
// When dim d is done, the filled part of the output spans the whole extent of every dim
// already done and only the interior of the dims still to do; dim d's slabs are copied
// within that band.  An outer dim then copies whole rows that already carry their inner
// borders, so corners come out as reflect / replicate / circular of the padded rows, which
// is what LibTorch computes (each mode is a per-dim index map, so the order does not matter
// for the values, only for which slabs are filled when).
void fill_borders(const Tensor& band, const DimPad& p, PadMode mode) {
  const int64_t d = p.dim, b = p.before, a = p.after, n = band.size(d) - b - a;
  if (mode == PadMode::reflect) {  // out[b - j] = out[b + j], out[b+n-1 + j] = out[b+n-1 - j]
    for (int64_t j = 1; j <= b; ++j) put(part(band, d, b - j, 1), part(band, d, b + j, 1));
    for (int64_t j = 1; j <= a; ++j) put(part(band, d, b + n - 1 + j, 1), part(band, d, b + n - 1 - j, 1));
  } else if (mode == PadMode::replicate) {  // the edge slice, broadcast by copy_
    put(part(band, d, 0, b), part(band, d, b, 1));
    put(part(band, d, b + n, a), part(band, d, b + n - 1, 1));
  } else {  // circular: the last b interior slices in front, the first a behind
    put(part(band, d, 0, b), part(band, d, n, b));
    put(part(band, d, b + n, a), part(band, d, b, a));
  }
}

// Pads `src` by non-negative `dims` in a non-constant mode.
Tensor pad_borders(const Tensor& src, const std::vector<DimPad>& dims, PadMode mode) {
  Shape out_shape = src.sizes();
  for (const DimPad& p : dims) out_shape[size_t(p.dim)] += p.before + p.after;
  Tensor out = empty(out_shape, src.options());
  if (out.numel() == 0) return out;
  Tensor interior = out;
  for (const DimPad& p : dims) interior = part(interior, p.dim, p.before, src.size(p.dim));
  put(interior, src);
  for (size_t i = 0; i < dims.size(); ++i) {  // innermost first, see Note [Padding dim by dim]
    Tensor band = out;
    for (size_t j = i + 1; j < dims.size(); ++j) band = part(band, dims[j].dim, dims[j].before, src.size(dims[j].dim));
    fill_borders(band, dims[i], mode);
  }
  return out;
}

// Note [Negative pads in the non-constant modes]
// LibTorch maps each output index to an input index of the *uncropped* input for reflect
// and replicate, so a negative pad there is "pad by the positive parts, then crop".  For
// circular it crops first and wraps around what is left.  We do the same.
Tensor pad_non_constant(const Tensor& x, std::vector<DimPad> dims, PadMode mode) {
  check_non_constant(x, dims, mode);
  check_non_constant_sizes(x, dims, mode);
  if (mode == PadMode::circular) {
    Tensor src = crop(x, dims);
    return pad_borders(src, dims, mode);
  }
  std::vector<DimPad> positive = dims;
  bool any_negative = false;
  for (DimPad& p : positive) {
    any_negative = any_negative || p.before < 0 || p.after < 0;
    p.before = std::max<int64_t>(p.before, 0);
    p.after = std::max<int64_t>(p.after, 0);
  }
  Tensor padded = pad_borders(x, positive, mode);
  if (!any_negative) return padded;
  std::vector<DimPad> negative = dims;
  for (DimPad& p : negative) p.before = std::min<int64_t>(p.before, 0), p.after = std::min<int64_t>(p.after, 0);
  return native::clone(crop(padded, negative));
}

}  // namespace

Tensor native::pad(const Tensor& x, const Shape& pads, PadMode mode, double value) {
  CONVIS_CHECK(x.defined(), "pad", "expected a defined tensor, got an undefined Tensor()");
  std::vector<DimPad> dims = parse_pads(x, pads);
  if (mode == PadMode::constant) return pad_constant(x, std::move(dims), value);
  return pad_non_constant(x, std::move(dims), mode);
}

std::string_view pad_mode_name(PadMode mode) {
  switch (mode) {
    case PadMode::constant: return "constant";
    case PadMode::reflect: return "reflect";
    case PadMode::replicate: return "replicate";
    case PadMode::circular: return "circular";
  }
  return "?";
}

}  // namespace convis
