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

import convis
from retina_plots import plot_outputs


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
    plot_outputs(stimulus, on, off, args.out)
    print(f"wrote {args.out}/stimulus.png, raster.png, rate.png")


if __name__ == "__main__":
    main()
