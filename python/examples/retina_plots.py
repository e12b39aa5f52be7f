"""Labelled pictures of a retina run: stimulus frames, ON/OFF spike rasters, firing rates.

    .venv/bin/python python/examples/retina_plots.py retina_demo_out

reads stimulus.npy, spikes_on.npy and spikes_off.npy from the folder (as examples/retina_demo.cpp
writes them) and writes, with matplotlib, next to them:
  stimulus.png  three frames of the stimulus (pixels, with a colour bar),
  raster.png    ON and OFF spikes of the middle row of cells (time in ms, cell index),
  rate.png      the mean firing rate of the ON and OFF cells (Hz over ms, 20 ms bins).
python/examples/retina.py imports plot_outputs from here.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MS_PER_FRAME = 1.0  # convis.default_resolution: 1000 frames per second


def sweep_frames(bright):
    """Three frames across the first stretch of frames in which the bar is well in view."""
    coverage = bright.mean(axis=(1, 2))
    shown = coverage >= 0.5 * coverage.max() if coverage.max() > 0 else np.ones(len(bright), dtype=bool)
    first = int(np.argmax(shown))
    last = first
    while last + 1 < len(shown) and shown[last + 1]:
        last += 1
    return [first + (last - first) * k // 10 for k in (1, 5, 9)]


def plot_stimulus(stimulus, path):
    low, high = float(stimulus.min()), float(stimulus.max())
    frames = sweep_frames(stimulus > (low + high) / 2)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), constrained_layout=True)
    for ax, t in zip(axes, frames):
        image = ax.imshow(stimulus[t], cmap="gray", vmin=low, vmax=high if high > low else low + 1, origin="lower")
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


def plot_outputs(stimulus, on, off, folder):
    """The three pictures of a run; every array is squeezed to (T, X, Y)."""
    stimulus, on, off = (np.asarray(a).reshape(np.asarray(a).shape[-3:]) for a in (stimulus, on, off))
    plot_stimulus(stimulus, os.path.join(folder, "stimulus.png"))
    plot_raster(on, off, os.path.join(folder, "raster.png"))
    plot_rate(on, off, os.path.join(folder, "rate.png"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: retina_plots.py FOLDER (with stimulus.npy, spikes_on.npy, spikes_off.npy)")
    folder = sys.argv[1]
    arrays = [np.load(os.path.join(folder, name + ".npy")) for name in ("stimulus", "spikes_on", "spikes_off")]
    plot_outputs(*arrays, folder)
    print(f"wrote {folder}/stimulus.png, raster.png, rate.png")


if __name__ == "__main__":
    main()
