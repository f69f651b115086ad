"""examples/python: the README walk-through runs against the demo volume and draws what it says
(pictures in <build>/python-test-output/walkthrough, to be looked at)."""

import os
import subprocess
import sys

import numpy as np
from PIL import Image

from conftest import SOURCE_DIR


def test_the_walkthrough_runs_and_draws_its_pictures(output_dir):
    out = output_dir / "walkthrough"
    result = subprocess.run(
        [sys.executable, str(SOURCE_DIR / "examples" / "python" / "walkthrough.py"), str(out)],
        capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    sizes = {p.stem: Image.open(p).size for p in out.glob("*.png")}
    assert sizes["img_base"] == (400, 400)
    assert sizes["scaled_mip_2"] == (100, 100)  # the same bounds at 16 nm
    assert sizes["exact_mip_2"] == (120, 120)  # image_size: exactly these pixels
    assert sizes["seg_base"] == (200, 200)  # the segmentation's own 8 nm grid
    assert sizes["seg_series_full"] == (3 * 200 + 2 * 10, 200)
    coloured = np.asarray(Image.open(out / "seg_overlay_2.png").convert("RGB")).reshape(-1, 3)
    # The dict of colours: cyan and red objects over grey imagery.
    tinted = coloured[(coloured.max(axis=1) - coloured.min(axis=1)) > 40]
    assert (tinted[:, 0] < tinted[:, 2]).any() and (tinted[:, 0] > tinted[:, 2]).any()
    assert (out / "figure.json").exists()  # the figure's sidecar
