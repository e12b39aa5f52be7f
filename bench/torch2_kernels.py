#!/usr/bin/env python3
"""bench/torch2_kernels.py: PyTorch 2.x on the work of bench/bench_kernels.cpp, same names.

    python3 bench/torch2_kernels.py --threads 2 --out torch2.json
    python3 scripts/bench_report.py run.json torch2.json

Each work runs in repetitions of at least --min-time seconds; the JSON holds every
repetition's time per iteration (microseconds) and the median, with the versions of torch
and its BLAS / oneDNN.  float32, under torch.no_grad(), as the C++ side.
"""
import argparse
import contextlib
import json
import statistics
import time

import torch


def works():
    """{name: make}, make() creating that work's own fresh inputs (as the C++ side does) and
    returning the function to time."""
    def mm(m, k, n, batch=1, transposed=False):
        def make():
            if batch > 1:
                a, b = torch.randn(batch, m, k), torch.randn(batch, k, n)
            else:
                a = torch.randn(k, m).t() if transposed else torch.randn(m, k)
                b = torch.randn(k, n)
            return lambda: torch.matmul(a, b)
        return make

    def vec(op, n=10_000_000):
        def make():
            a, b = torch.randn(n), torch.randn(n)
            return lambda: op(a, b)
        return make

    def mat(op):
        def make():
            x = torch.randn(1000, 10000)
            return lambda: op(x)
        return make

    return {
        "matmul_64": mm(64, 64, 64), "matmul_256": mm(256, 256, 256), "matmul_1024": mm(1024, 1024, 1024),
        "matmul_2048": mm(2048, 2048, 2048), "matmul_t_1024": mm(1024, 1024, 1024, transposed=True),
        "matmul_128x784x512": mm(128, 784, 512), "matmul_128x512x10": mm(128, 512, 10),
        "bmm_64x64x64x64": mm(64, 64, 64, batch=64),
        "add_inplace_1e7": vec(lambda a, b: a.add_(b)), "add_alloc_1e7": vec(lambda a, b: a + b),
        "exp_1e7": vec(lambda a, b: a.exp()), "tanh_1e7": vec(lambda a, b: a.tanh()),
        "sigmoid_1e7": vec(lambda a, b: a.sigmoid()), "sum_1e7": vec(lambda a, b: a.sum()),
        "sum_dim1_1000x10000": mat(lambda x: x.sum(1)), "sum_dim0_1000x10000": mat(lambda x: x.sum(0)),
        "softmax_1000x10000": mat(lambda x: torch.softmax(x, 1)),
        "contiguous_transpose_1000x10000": mat(lambda x: x.t().contiguous()),
        "add_size1": vec(lambda a, b: a + b, n=1),
    }


def time_work(fn, reps, min_time):
    fn()
    per = []
    for _ in range(reps):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        per.append(elapsed / n * 1e6)
    return per


def run_works(works, default_out, no_grad=True, reps=5, min_time=0.2):
    """Times every work of {name: make} as the command line asks and writes the JSON."""
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=reps)
    p.add_argument("--min-time", type=float, default=min_time)
    p.add_argument("--out", default=default_out)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    result = {"context": {"torch": torch.__version__, "threads": args.threads,
                          "config": torch.__config__.show()}, "works": {}}
    with torch.no_grad() if no_grad else contextlib.nullcontext():
        for name, make in works.items():
            per = time_work(make(), args.reps, args.min_time)
            result["works"][name] = {"median_us": statistics.median(per), "reps_us": per}
            print(f"{name:34s} {statistics.median(per):12.3f} us", flush=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)


def main():
    run_works(works(), "torch2.json")


if __name__ == "__main__":
    main()
