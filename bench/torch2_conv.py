#!/usr/bin/env python3
"""bench/torch2_conv.py: PyTorch 2.x on the work of bench/bench_conv.cpp, same names.

    python3 bench/torch2_conv.py --threads 2 --out torch2_conv.json
    python3 scripts/bench_report.py conv_run.json torch2_conv.json

conv3d_fwd_<s> (no grad), conv3d_fwdbwd_<s> (input and weight require grad; backward of the
output with a gradient of ones), conv3d_stream50_<s> (50 calls of one output frame each, given
the kt - 1 frames before it), float32, on the shapes a-e of bench_conv.cpp.  Each work runs in
repetitions of at least --min-time seconds; the JSON holds every repetition's time per
iteration (microseconds) and the median.
"""
import torch

from torch2_kernels import run_works

SHAPES = {
    "a": ((1, 1, 200, 64, 64), (1, 1, 10, 7, 7)),
    "b": ((1, 1, 100, 128, 128), (1, 1, 20, 9, 9)),
    "c": ((1, 1, 500, 32, 32), (1, 1, 50, 1, 1)),
    "d": ((1, 1, 100, 128, 128), (1, 1, 1, 15, 15)),
    "e": ((2, 4, 64, 64, 64), (8, 4, 3, 3, 3)),
}


def works():
    """{name: make}, make() creating the work's inputs and returning the function to time."""
    def fwd(xs, ws):
        def make():
            x, w = torch.randn(xs), torch.randn(ws)

            def run():
                with torch.no_grad():
                    torch.nn.functional.conv3d(x, w)
            return run
        return make

    def fwdbwd(xs, ws):
        def make():
            x, w = torch.randn(xs, requires_grad=True), torch.randn(ws, requires_grad=True)
            g = torch.ones_like(torch.nn.functional.conv3d(x.detach(), w.detach()))
            return lambda: torch.nn.functional.conv3d(x, w).backward(g)
        return make

    def stream50(xs, ws):
        def make():
            x, w = torch.randn(xs), torch.randn(ws)
            kt = ws[2]

            def run():
                with torch.no_grad():
                    for t in range(50):
                        torch.nn.functional.conv3d(x[:, :, t:t + kt], w)
            return run
        return make

    out = {}
    for s, (xs, ws) in SHAPES.items():
        out[f"conv3d_fwd_{s}"] = fwd(xs, ws)
        out[f"conv3d_fwdbwd_{s}"] = fwdbwd(xs, ws)
        out[f"conv3d_stream50_{s}"] = stream50(xs, ws)
    return out


def main():
    run_works(works(), "torch2_conv.json", no_grad=False, reps=3, min_time=0.5)


if __name__ == "__main__":
    main()
