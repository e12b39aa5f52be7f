"""The retina on a moving bar, plotted with matplotlib (the Python twin of examples/retina_demo.cpp).

    PYTHONPATH=build/python .venv/bin/python python/examples/retina.py --out retina_py_out

A VirtualRetina-like model (convis.models.Retina, default parameters) watches a bright bar sweep
across the field, one frame per millisecond, run in chunks of dt frames.  It writes
  stimulus.png  three frames of the stimulus (pixels, with a colour bar),
  raster.png    ON and OFF spikes of the middle row of cells (time in ms, cell index),
  rate.png      the mean firing rate of the ON and OFF cells (Hz over ms, 20 ms bins),
and prints the simulation time.
"""
import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import convis  # noqa: E402

MS_PER_FRAME = 1.0  # convis.default_resolution: 1000 frames per second


def simulate(frames, size, dt):
    stimulus = convis.samples.moving_bar(frames, size, size, bar_v=0.005, bar_width=2.0)
    retina = convis.models.Retina()
    start = time.perf_counter()
    with convis.no_grad():
        out = retina.run(stimulus, dt=dt)
    seconds = time.perf_counter() - start
    on = out["ganglion_spikes_ON"].numpy()[0, 0]    # (T, X, Y) of 0 and 1
    off = out["ganglion_spikes_OFF"].numpy()[0, 0]
    return stimulus.numpy(), on, off, seconds


def plot_stimulus(stimulus, path):
    visible = np.nonzero(stimulus.max(axis=(1, 2)) > 0.5)[0]  # frames that show the bar
    if len(visible) < 3:
        visible = np.arange(len(stimulus))
    frames = [visible[len(visible) // 20], visible[len(visible) // 10], visible[3 * len(visible) // 20]]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), constrained_layout=True)
    for ax, t in zip(axes, frames):
        image = ax.imshow(stimulus[t], cmap="gray", vmin=0, vmax=1, origin="lower")
        ax.set_title(f"t = {t * MS_PER_FRAME:.0f} ms")
        ax.set_xlabel("y (pixels)")
        ax.set_ylabel("x (pixels)")
    fig.colorbar(image, ax=axes, label="luminance")
    fig.suptitle("Stimulus: moving bar")
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_raster(on, off, path):
    row = on.shape[1] // 2
    fig, ax = plt.subplots(figsize=(10, 4), constrained_layout=True)
    for spikes, colour, label, shift in [(on, "tab:red", "ON cells", -0.15), (off, "tab:blue", "OFF cells", 0.15)]:
        t, cell = np.nonzero(spikes[:, row, :])
        ax.scatter(t * MS_PER_FRAME, cell + shift, s=4, marker="|", color=colour, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"cell (y index, row x = {row})")
    ax.set_title("Ganglion cell spikes of the middle row")
    ax.set_xlim(0, len(on) * MS_PER_FRAME)
    ax.legend(loc="upper right", markerscale=4)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_rate(on, off, path, bin_ms=20):
    frames = int(bin_ms / MS_PER_FRAME)
    bins = len(on) // frames
    centres = (np.arange(bins) + 0.5) * frames * MS_PER_FRAME
    fig, ax = plt.subplots(figsize=(10, 4), constrained_layout=True)
    for spikes, colour, label in [(on, "tab:red", "ON cells"), (off, "tab:blue", "OFF cells")]:
        per_bin = spikes[: bins * frames].reshape(bins, frames, -1).mean(axis=(1, 2))  # spikes per frame per cell
        ax.plot(centres, per_bin * 1000.0 / MS_PER_FRAME, color=colour, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("mean firing rate (Hz)")
    ax.set_title(f"Population firing rate ({bin_ms} ms bins)")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=2000, help="frames of 1 ms (default 2000)")
    parser.add_argument("--size", type=int, default=50, help="field of size x size pixels (default 50)")
    parser.add_argument("--dt", type=int, default=100, help="chunk length in frames (default 100)")
    parser.add_argument("--out", default="retina_py_out", help="folder for the pictures")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    stimulus, on, off, seconds = simulate(args.frames, args.size, args.dt)
    print(f"retina: {args.frames} frames of {args.size}x{args.size} in {seconds:.3f} s; "
          f"ON {on.mean() * 1000:.1f} Hz, OFF {off.mean() * 1000:.1f} Hz (mean rates)")
    plot_stimulus(stimulus, os.path.join(args.out, "stimulus.png"))
    plot_raster(on, off, os.path.join(args.out, "raster.png"))
    plot_rate(on, off, os.path.join(args.out, "rate.png"))
    print(f"wrote {args.out}/stimulus.png, raster.png, rate.png")


if __name__ == "__main__":
    main()
