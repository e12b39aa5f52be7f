"""python/examples/retina.py runs and writes its three labelled pictures."""
import os
import subprocess
import sys

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
