// kernels/cpu/capability.h: how one kernel source becomes three, one per instruction set.
//
//   // kernels/cpu/elementwise.cpp
//   #include <cmath>
//   #include "convis/kernels/cpu/capability.h"
//   CONVIS_CPU_BEGIN                            // namespace convis::cpu::avx2 {  (say)
//   void exp_kernel(const StridedLoop& L) { ... }   // compiled with AVX2 + FMA enabled
//   CONVIS_CPU_END
//
// Note [One source, three capabilities]
// CMake (cmake/cpu_kernels.cmake) compiles every file of kernels/cpu/ except capability.cpp
// three times, with CONVIS_CPU_LEVEL 0, 1 and 2.  CONVIS_CPU_BEGIN opens the namespace of
// that level (convis::cpu::generic, ::avx2, ::avx512) and switches code generation to its
// instruction set with `#pragma GCC target` until CONVIS_CPU_END; capability.cpp, compiled
// once for baseline x86-64, asks CPUID at start-up which of the three to register
// (CONVIS_CPU_CAPABILITY=default|avx2|avx512 chooses a lower one, as ATEN_CPU_CAPABILITY).
//
// Why a pragma and not -mavx2 on the command line: an inline function from a header
// outside the kernels (std::vector<float>::resize, a fmt formatter) is emitted by every file
// that uses it as a "weak" copy, and the linker keeps any one copy for the whole program.
// Compiled with -mavx512f, that copy could be the AVX-512 one, and a Zen 3 would die of an
// illegal instruction in code that has nothing to do with kernels.  The pragma applies only
// to functions defined between BEGIN and END, all in a namespace of their own level, so
// every weak copy outside it is baseline code.  Hence the one rule: never #include inside
// CONVIS_CPU_BEGIN ... END (each kernels/cpu/ header opens and closes its own block after
// its includes).  tests/kernels/check_capability_objects.sh checks the object files for it.
//
// The arithmetic is the same at every level unless a kernel asks for more: the levels are
// built with -ffp-contract=off, so GCC never fuses a*b+c into one FMA by itself (it would at
// AVX2 and not at baseline, and the bits would differ); an elementwise or reduction kernel
// gives the same bits at every level (tested), and the GEMM micro-kernel, which uses FMA on
// purpose, says so.
#pragma once

#ifndef CONVIS_CPU_LEVEL
#define CONVIS_CPU_LEVEL 0  // a file outside the three builds (a test) sees the generic kernels
#endif

#if CONVIS_CPU_LEVEL == 2
#define CONVIS_CPU_NS avx512
#define CONVIS_CPU_TARGET \
  _Pragma("GCC target(\"avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c,bmi,bmi2,lzcnt,popcnt\")")
#elif CONVIS_CPU_LEVEL == 1
#define CONVIS_CPU_NS avx2
#define CONVIS_CPU_TARGET _Pragma("GCC target(\"avx2,fma,f16c,bmi,bmi2,lzcnt,popcnt\")")
#else
#define CONVIS_CPU_NS generic
#define CONVIS_CPU_TARGET
#endif

// The generic level changes no code generation, so it opens only its namespace: other
// compilers (clang, for the fuzz build: fuzz/README.md) build that level without GCC's pragmas.
#if CONVIS_CPU_LEVEL == 0
#define CONVIS_CPU_BEGIN namespace convis::cpu::CONVIS_CPU_NS {
#define CONVIS_CPU_END }
#else
#define CONVIS_CPU_BEGIN \
  _Pragma("GCC push_options") CONVIS_CPU_TARGET namespace convis::cpu::CONVIS_CPU_NS {
#define CONVIS_CPU_END \
  }                    \
  _Pragma("GCC pop_options")
#endif
