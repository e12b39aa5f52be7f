"""python/examples: retina.py and stimulus_pictures.py write their labelled pictures; a movie
round trip through convis.streams.VideoWriter/VideoReader and retina_movie_still.py."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import convis

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "retina.py")


def test_retina_example_writes_its_pictures(tmp_path):
    result = subprocess.run([sys.executable, EXAMPLE, "--frames", "400", "--size", "20", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "retina: 400 frames of 20x20" in result.stdout
    for name in ["stimulus.png", "raster.png", "rate.png"]:
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name


def test_stimulus_pictures_example_writes_its_pictures(tmp_path):
    script = os.path.join(os.path.dirname(__file__), "..", "examples", "stimulus_pictures.py")
    result = subprocess.run([sys.executable, script, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in ["moving_bar.png", "moving_grating.png", "checkers.png", "gabor.png", "chirp.png", "sparse.png"]:
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name


def test_video_round_trip_and_the_movie_still(tmp_path):
    if not convis.video_available():
        pytest.skip("built without FFmpeg")
    video = convis.samples.moving_grating(12, 16, 20)
    path = str(tmp_path / "g.mkv")
    with convis.streams.VideoWriter(path, fps=50) as writer:
        writer.put(video)
    reader = convis.streams.VideoReader(path)
    assert reader.remaining() == 12
    back = reader.get(12).numpy()
    assert back.shape == (12, 16, 20)
    assert abs(back - video.numpy().clip(0, 1)).max() <= 0.5 / 255 + 1e-6  # 8 bits, lossless codec
    fake = convis.cat([video, video, video], 2)  # stands in for stimulus | ON | OFF
    movie = str(tmp_path / "m.mp4")
    with convis.streams.VideoWriter(movie) as writer:
        writer.put(convis.cat([fake, convis.zeros(12, 16, 4)], 2))
    png = tmp_path / "still.png"
    script = Path(__file__).parents[1] / "examples" / "retina_movie_still.py"
    subprocess.run([sys.executable, str(script), movie, "--frame", "3", "--png", str(png)], check=True,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert png.stat().st_size > 5000
