#!/usr/bin/env python3
"""scripts/bench_report.py: one benchmark run as a markdown table and a bar chart.

    ./build-bench/bench/bench_kernels --benchmark_out=run.json --benchmark_out_format=json
    python3 bench/torch2_kernels.py --out torch2.json          # optional: PyTorch 2.x
    python3 scripts/bench_report.py run.json torch2.json --chart docs/bench_kernels.png

run.json is Google Benchmark's JSON from bench/bench_kernels (convis and, when LibTorch was
found, LibTorch 1.13 side by side); the medians over repetitions are used.  The table gives
each work's median time for every library, convis's throughput and its share of the
machine's limits measured by the run itself (FMA peak for GEMM, STREAM triad for the rest),
and how many times faster convis is than each reference (above 1: convis is faster).  The
chart shows those ratios.  Needs matplotlib only for the chart.
"""
import argparse
import json
import sys


def medians(run):
    """{library: {work: (median time in us, counters)}} from Google Benchmark's JSON."""
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
    out = {}
    # Registration order, whatever order the runs came in (--benchmark_enable_random_interleaving).
    ordered = sorted(run["benchmarks"], key=lambda b: (b.get("family_index", 0), b.get("per_family_instance_index", 0)))
    for b in ordered:
        if b.get("run_type") != "aggregate" or b.get("aggregate_name") != "median":
            continue
        name = b["run_name"] if "run_name" in b else b["name"].rsplit("_median", 1)[0]
        lib, work = name[3:].split("/", 1)[0].split("_", 1)  # BM_<lib>_<work>[/args]
        counters = {k: v for k, v in b.items() if k in ("GFLOP/s", "GB/s")}
        out.setdefault(lib, {})[work] = (b["real_time"] * scale[b["time_unit"]], counters)
    return out


def fmt_us(t):
    return "—" if t is None else (f"{t:.3g}" if t < 1000 else f"{t:,.0f}")


def fmt_ratio(ref, ours):
    return "—" if ref is None else f"{ref / ours:.2f}x"


def table(run, torch2):
    ctx = run["context"]
    peak, triad = float(ctx.get("fma_peak_gflops", 0)), float(ctx.get("stream_triad_gbs", 0))
    libs = medians(run)
    ours, lt = libs.get("convis", {}), libs.get("torch", {})
    pt = {k: v["median_us"] for k, v in (torch2 or {}).get("works", {}).items()}
    pt_name = f"PyTorch {torch2['context']['torch'].split('+')[0]}" if torch2 else "PyTorch 2.x"
    lines = [
        f"{ctx.get('threads', '?')} threads, convis at `{ctx.get('cpu_capability', '?')}`; this run measured an FMA "
        f"peak of {peak:.0f} GFLOP/s ({ctx.get('fma_isa', '?')}) and STREAM triad {triad:.1f} GB/s.",
        "",
        f"| work | convis µs | LibTorch 1.13 µs | {pt_name} µs | convis throughput | of peak | "
        f"vs LibTorch 1.13 | vs {pt_name} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = []
    for work, (t, counters) in ours.items():
        if "GFLOP/s" in counters:
            thr, share = f"{counters['GFLOP/s']:.0f} GFLOP/s", counters["GFLOP/s"] / peak if peak else 0
        elif "GB/s" in counters and work != "add_size1":
            thr, share = f"{counters['GB/s']:.1f} GB/s", counters["GB/s"] / triad if triad else 0
        else:
            thr, share = "—", None
        ref1, ref2 = lt.get(work, (None,))[0], pt.get(work)
        lines.append(f"| {work} | {fmt_us(t)} | {fmt_us(ref1)} | {fmt_us(ref2)} | {thr} | "
                     f"{'—' if share is None else f'{100 * share:.0f}%'} | {fmt_ratio(ref1, t)} | {fmt_ratio(ref2, t)} |")
        ratios.append((work, None if ref1 is None else ref1 / t, None if ref2 is None else ref2 / t))
    return "\n".join(lines), ratios, pt_name


def chart(ratios, pt_name, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    works = [r[0] for r in ratios]
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(works) + 1.2))
    y = range(len(works))
    ax.barh([i - 0.2 for i in y], [r[1] or 0 for r in ratios], 0.4, label="vs LibTorch 1.13")
    ax.barh([i + 0.2 for i in y], [r[2] or 0 for r in ratios], 0.4, label=f"vs {pt_name}")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(list(y), works, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("times faster than the reference (log scale; right of 1: convis is faster)")
    ax.legend(fontsize=8)
    ax.set_title(f"convis speed-up over LibTorch 1.13 and {pt_name}, per workload")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("run", help="Google Benchmark JSON of bench_kernels")
    p.add_argument("torch2", nargs="?", help="JSON of bench/torch2_kernels.py")
    p.add_argument("--chart", help="write the bar chart here (PNG)")
    args = p.parse_args()
    with open(args.run) as f:
        run = json.load(f)
    torch2 = None
    if args.torch2:
        with open(args.torch2) as f:
            torch2 = json.load(f)
    text, ratios, pt_name = table(run, torch2)
    print(text)
    if args.chart:
        chart(ratios, pt_name, args.chart)
        print(f"\nchart: {args.chart}", file=sys.stderr)


if __name__ == "__main__":
    main()
