// core/conv_algorithm.h: which convolution algorithm the CPU kernels use.
//
//   convis::set_conv_algorithm(convis::ConvAlgorithm::gemm);  // im2col + GEMM from here on
//   convis::conv_algorithm();                                 // ConvAlgorithm::gemm
//   // or, before the first convolution:  CONVIS_CONV_ALGO=direct ./program
//
// `automatic` (the default) lets each convolution's plan choose (Note [Choosing a convolution
// algorithm] in kernels/cpu/conv.cpp); `direct` and `gemm` force one, for tests and benchmarks.
// A forced algorithm that cannot run a convolution (direct with a stride, say) gives way to the
// general one, im2col + GEMM, which runs every geometry.
#pragma once

#include <string_view>

namespace convis {

enum class ConvAlgorithm { automatic, direct, gemm };

ConvAlgorithm conv_algorithm();  // the first call reads CONVIS_CONV_ALGO (auto, direct, gemm)
void set_conv_algorithm(ConvAlgorithm algorithm);
std::string_view conv_algorithm_name(ConvAlgorithm algorithm);
// "auto" (or ""), "direct" or "gemm" as a ConvAlgorithm; any other name is an Error.
ConvAlgorithm conv_algorithm_from_name(std::string_view name);

}  // namespace convis
