"""Pictures of the sample stimuli (convis.samples), with axes, units and colour bars.

    PYTHONPATH=build/python .venv/bin/python python/examples/stimulus_pictures.py stimulus_pictures

writes into the folder: moving_bar.png, moving_grating.png, checkers.png (frames of each, in
pixels, with time in ms as 1 frame = 1 ms), gabor.png (a Gabor patch), chirp.png (the chirp's
luminance over time) and sparse.png (a sparse ON/OFF input as a raster and as rates in Hz).
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import convis  # noqa: E402


def frames_figure(video, title, path, count=4, cmap="gray"):
    """count frames of a (T, X, Y) video spread over its length, one colour scale, a colour bar."""
    video = np.asarray(video)
    times = np.linspace(0, len(video) - 1, count).astype(int)
    low, high = float(video.min()), float(video.max())
    fig, axes = plt.subplots(1, count, figsize=(3 * count + 1, 3.3), constrained_layout=True)
    for ax, t in zip(axes, times):
        image = ax.imshow(video[t], cmap=cmap, vmin=low, vmax=high if high > low else low + 1, origin="lower")
        ax.set_title(f"t = {t} ms")
        ax.set_xlabel("y (pixels)")
        ax.set_ylabel("x (pixels)")
    fig.colorbar(image, ax=axes, label="luminance")
    fig.suptitle(title)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def gabor_figure(path):
    patch = convis.samples.gabor_kernel().numpy()
    fig, ax = plt.subplots(figsize=(4.6, 4), constrained_layout=True)
    image = ax.imshow(patch, cmap="RdBu_r", origin="lower")
    ax.set_title("gabor_kernel(phi=2, size=16)")
    ax.set_xlabel("column (pixels)")
    ax.set_ylabel("row (pixels)")
    fig.colorbar(image, ax=ax, label="weight")
    fig.savefig(path, dpi=90)
    plt.close(fig)


def chirp_figure(path):
    chirp = convis.samples.chirp(4500, 1, 1).numpy().reshape(-1)
    fig, ax = plt.subplots(figsize=(10, 3.2), constrained_layout=True)
    ax.plot(np.arange(len(chirp)), chirp, linewidth=0.8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("luminance")
    ax.set_title("chirp: step, amplitude ramp, frequency sweep (full field)")
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def sparse_figure(path):
    on = convis.samples.sparse_input(500, 6, 6, p=0.02, seed=2).numpy().reshape(500, 36)
    off = convis.samples.sparse_input(500, 6, 6, p=0.05, seed=3).numpy().reshape(500, 36)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, constrained_layout=True)
    for events, colour, label, shift in [(on, "tab:red", "p = 0.02", -0.15), (off, "tab:blue", "p = 0.05", 0.15)]:
        t, cell = np.nonzero(events)
        top.scatter(t, cell + shift, s=6, marker="|", color=colour, label=label)
        rate = events.reshape(25, 20, 36).mean(axis=(1, 2)) * 1000.0
        bottom.plot(np.arange(25) * 20 + 10, rate, color=colour, label=label)
    top.set_ylabel("pixel")
    top.set_title("sparse_input: events of 36 pixels")
    top.legend(loc="upper right", markerscale=3)
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel("rate (Hz, 20 ms bins)")
    bottom.legend(loc="upper right")
    bottom.grid(alpha=0.3)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "stimulus_pictures"
    os.makedirs(folder, exist_ok=True)
    frames_figure(convis.samples.moving_bar(200, 20, 20, -1.0, 0.5, 2.0, 0.01, True).numpy(),
                  "moving_bar(200, 20, 20, bar_direction=0.5, bar_width=2, sharp)", os.path.join(folder, "moving_bar.png"))
    frames_figure(convis.samples.moving_grating(400, 20, 20).numpy(), "moving_grating(400, 20, 20)",
                  os.path.join(folder, "moving_grating.png"), cmap="viridis")
    frames_figure(convis.samples.random_checker_stimulus(8, 20, 20, 4, seed=1).numpy(),
                  "random_checker_stimulus(8, 20, 20, checker_size=4)", os.path.join(folder, "checkers.png"))
    gabor_figure(os.path.join(folder, "gabor.png"))
    chirp_figure(os.path.join(folder, "chirp.png"))
    sparse_figure(os.path.join(folder, "sparse.png"))
    print(f"wrote moving_bar.png, moving_grating.png, checkers.png, gabor.png, chirp.png, sparse.png to {folder}/")


if __name__ == "__main__":
    main()
