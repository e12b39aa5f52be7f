// kernels/cpu/box_muller.h: standard normals from the counter-based generator, in float32
// arithmetic that vectorises (the spiking kernel's membrane noise, kernels/spiking.h; the
// arithmetic is kernels/lif_step.h's, Note [Box-Muller in float], shared with CUDA).
//
//   float z[4];
//   cpu::draw_normal_pairs(generator.key(), /*first counter=*/10, /*pairs=*/2, z);
//   // z[0], z[1] from counter 10 (r cos, r sin of one Box-Muller pair), z[2], z[3] from 11
#pragma once

#include <cstdint>

#include "convis/kernels/cpu/capability.h"
#include "convis/kernels/lif_step.h"

CONVIS_CPU_BEGIN

// The normals of `pairs` pairs from counters first, first + 1, ...: pair i gives z[2i] and z[2i + 1].
inline void draw_normal_pairs(uint64_t key, uint64_t first, int64_t pairs, float* z) {
  for (int64_t i = 0; i < pairs; ++i) lif::normal_pair(key, first + uint64_t(i), z[2 * i], z[2 * i + 1]);
}

CONVIS_CPU_END
