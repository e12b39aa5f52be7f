"""A labelled still of the movie convis-retina writes (stimulus | ON spikes | OFF spikes).

    convis-retina --input grating.mp4 --output out/
    .venv/bin/python python/examples/retina_movie_still.py out/retina.mp4 --frame 200 --png still.png
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import convis  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("movie")
    parser.add_argument("--frame", type=int, default=0)
    parser.add_argument("--png", default="retina_still.png")
    args = parser.parse_args()
    reader = convis.streams.VideoReader(args.movie, start_frame=args.frame, max_frames=1)
    frame = reader.get(1).numpy()[0]
    width = (frame.shape[1] - 4) // 3
    fig, ax = plt.subplots(figsize=(7, 2.6))
    ax.imshow(frame, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    for i, name in enumerate(["stimulus", "ON spikes", "OFF spikes"]):
        ax.text(i * (width + 2) + width / 2, -3, name, ha="center", va="bottom", fontsize=10)
    ax.set_xlabel(f"column of the movie (pixels): stimulus | ON | OFF, {width} pixels each")
    ax.set_ylabel("row (pixels)")
    ax.set_title(f"convis-retina, frame {args.frame} of {args.movie.split('/')[-1]}", pad=18)
    fig.tight_layout()
    fig.savefig(args.png, dpi=100)
    print("wrote", args.png)


if __name__ == "__main__":
    main()
