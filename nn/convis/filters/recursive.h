// nn/convis/filters/recursive.h: recursive (IIR) filters of the convis toolbox: first-order
// temporal low-pass and high-pass filters with state between chunks, and the Deriche
// recursive approximation of a spatial Gaussian.
//
//   convis::filters::TemporalLowPassFilterRecursive lp;
//   convis::NoGradGuard no_grad;                      // tau is a Parameter (requires grad)
//   lp->tau.fill_(0.01);                              // seconds
//   Tensor step = convis::ones({1, 1, 200, 1, 1});
//   Tensor y = lp->forward(step);                     // 0.0952, 0.1814, ... -> 1.0008
//   lp->run(step, /*dt=*/7)[0];                       // the same numbers, chunk by chunk
//
//   convis::filters::TemporalHighPassFilterRecursive hp;
//   convis::filters::SpatialRecursiveFilter sp;
//   sp->gaussian(0.2);                                // sigma 0.2 degrees -> density 0.5 per pixel
//   Tensor blurred = sp->forward(video);              // [B, C, T, X, Y], stateless
//
//   // The recursion itself, differentiable in every argument:
//   // y[n] = b0 x[n] + b1 x[n-1] + a1 y[n-1] + a2 y[n-2] along `dim`
//   Tensor y2 = convis::filters::linear_recursion(x, b0, b1, a1, a2, /*y0=*/{}, /*dim=*/2);
#pragma once

#include <cstdint>

#include "convis/nn/convis/layer.h"

namespace convis::filters {

// Note [Linear recursion]
// One autograd node per call, not one per frame: the recursion runs in a plain loop (CPU;
// other devices go through the CPU) and its backward is the adjoint recursion, run
// backwards along `dim`:  lambda[n] = g[n] + a1 lambda[n+1] + a2 lambda[n+2], then
//   dx[n] = b0 lambda[n] + b1 lambda[n+1],   db0 = sum lambda[n] x[n],
//   db1 = sum lambda[n] x[n-1],  da1 = sum lambda[n] y[n-1],  da2 = sum lambda[n] y[n-2],
//   dy0 = a1 lambda[0] + a2 lambda[1]
// (x[-1] = 0, y[-1] = y0, y[-2] = 0).  The backward is built from linear_recursion itself and
// ordinary ops, so it is differentiable again.
//
// x: a floating tensor; b0, b1, a1, a2: one-element tensors (any of them may need a gradient);
// y0: undefined (zero) or x's shape with size 1 at `dim`, the value y[-1].
Tensor linear_recursion(const Tensor& x, const Tensor& b0, const Tensor& b1, const Tensor& a1, const Tensor& a2,
                        const Tensor& y0, int64_t dim);

// The first-order case y[t] = a x[t] + e y[t-1] along time (dim 2), y[-1] = y0.
Tensor first_order_recursion(const Tensor& x, const Tensor& a, const Tensor& e, const Tensor& y0);

// Note [Streamed recursion]
// The same without a graph, the coefficients as numbers, and the filter's scaling fused in:
// y[t] = a xp[t] + e y[t-1], where xp[t] = x[t], or, when `previous` is defined, x[t-1] with
// xp[0] = previous (one frame).  y[-1] is read from `state` (a contiguous [B, C, 1, X, Y] frame
// the filter owns; ignored when `fresh`, the first chunk) and each raw y[t] is written back
// there, so after the call it holds the last one -- the next chunk's y[-1] -- without a copy.
// The returned output (the only allocation) is (y * scale) / tau for the low-pass and
// x - ((y * scale) / tau) * k for the high-pass: the graph path's operations in its order, so
// the bits are the same (tested), in one pass over the chunk instead of four.  A frame by frame
// filter call was ~2 us of bookkeeping around 400 pixels of work (the state copy and the
// scaling ops): this is most of what the Retina's frame-by-frame run saves.
struct FirstOrderStream {
  double a, e;               // y[t] = a xp[t] + e y[t-1]
  double scale, tau, k = 0;  // the output's scaling (k: the high-pass's weight)
  bool highpass = false;
};
Tensor first_order_stream(const Tensor& x, Tensor& state, bool fresh, const Tensor& previous, const FirstOrderStream& f);

// Note [Recursive filters without gradients]
// When nothing needs a graph (grad mode off, or neither the input nor a parameter requires
// grad), the temporal recursive filters take a path that allocates only the chunk's output:
// the coefficients (e = exp(-dt / tau), 1 + e) are computed by the same tensor ops as the
// differentiable path but only when tau changes, and the recursion runs in one pass that keeps
// its state in a frame the filter owns and writes the scaled output (Note [Streamed recursion];
// Note [State buffers] in layer.cpp).
// Every value is computed by the same operations in the same order as the differentiable
// path, so both give the same bits (tested).
struct RecursionCoefficients {
  double tau = 0, a = 0, e = 0;  // tau in seconds; a = 1 + e; e = exp(-dt / tau), as input dtype
  DType dtype = kFloat32;
  bool valid = false;
};

// Recursive exponential low-pass in time.  With dt = 1 / steps_per_second and
// e = exp(-dt / tau):  y[t] = (1 + e) x[t] + e y[t-1],  output[t] = y[t] dt / (2 tau).
// Its state "y" is the unnormalised y of the last frame ([B, C, 1, X, Y]; undefined = fresh,
// zeros), stored detached (Note [State between chunks] in layer.h).  Any chunking gives the
// one-call output.
class TemporalLowPassFilterRecursiveImpl : public Layer {
 public:
  TemporalLowPassFilterRecursiveImpl();
  Tensor forward(const Tensor& input) override;

  Tensor tau;  // seconds, 0-dim

 private:
  Tensor forward_no_grad(const Tensor& input);  // Note [Recursive filters without gradients]
  RecursionCoefficients coefficients_;
  Tensor y_buffer_;
};

// Note [Chunk-invariant high-pass]
// The original runs the low-pass recursion on the input delayed by one frame, taking x[-1]
// from the first frame of the *current* chunk, so every chunk restarts the delay and chunked
// output differs from the one-call output.  Here the last input frame is state
// ("last_input"): x[-1] is the true previous frame, and only a fresh filter (no state yet)
// uses the first frame of its very first chunk, which gives the original's step response.
//
// output[t] = x[t] - k z[t] dt / (2 tau),  z[t] = (1 + e) x[t-1] + e z[t-1],  e = exp(-dt/tau).
class TemporalHighPassFilterRecursiveImpl : public Layer {
 public:
  TemporalHighPassFilterRecursiveImpl();
  Tensor forward(const Tensor& input) override;

  Tensor tau;  // seconds, 0-dim
  Tensor k;    // weight of the subtracted low-pass, 0-dim

 private:
  Tensor forward_no_grad(const Tensor& input);  // Note [Recursive filters without gradients]
  RecursionCoefficients coefficients_;
  Tensor z_buffer_, last_input_buffer_;
};

// Deriche's recursive approximation of a Gaussian blur, in x then in y, per frame; stateless.
// alpha = 1.695 density;  k = (1 - e^-alpha)^2 / (1 + 2 alpha e^-alpha - e^-2alpha);
// causal      y+[n] = A1 x[n] + A2 x[n-1] + B1 y+[n-1] + B2 y+[n-2],
// anti-causal y-[n] = A3 x[n+1] + A4 x[n+2] + B1 y-[n+1] + B2 y-[n+2],  result y+ + y-,
// A1 = k, A2 = k e^-alpha (alpha - 1), A3 = k e^-alpha (alpha + 1), A4 = -k e^-2alpha,
// B1 = 2 e^-alpha, B2 = -e^-2alpha.  Samples outside the frame are 0 on both sides (Note
// [Deriche boundary] in spatial_recursive.cpp).  Differentiable in the input and in density.
class SpatialRecursiveFilterImpl : public Layer {
 public:
  SpatialRecursiveFilterImpl();
  Tensor forward(const Tensor& input) override;
  // Sets density = 1 / (sigma_deg * pixel_per_degree) at convis::default_resolution.
  void gaussian(double sigma_deg);

  Tensor density;  // 1 / sigma in pixels, 0-dim
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(TemporalLowPassFilterRecursive);
CONVIS_MODULE(TemporalHighPassFilterRecursive);
CONVIS_MODULE(SpatialRecursiveFilter);

}  // namespace convis::filters
