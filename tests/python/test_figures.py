"""Beyond ImageryClient: imagery.figure, layout, render and batch, in-process, drawing what the
CLI draws (the same pixels) and what the ImageryClient API composes."""

import json
import subprocess

import numpy as np
import pytest
from PIL import Image

import imagery
from conftest import DEMO, SOURCE_DIR, differing_pixels

BOUNDS = [[2000, 1600, 106], [2544, 2080, 107]]


@pytest.fixture(scope="module")
def sources():
    return {"image": str(DEMO / "image"), "seg": str(DEMO / "segmentation")}


def test_a_figure_in_memory_is_the_clients_composite(sources, output_dir):
    fig = imagery.figure(sources, bounds=BOUNDS, alpha=0.35)
    assert len(fig.pictures) == 1 and fig.picture.size == (544, 480)
    client = imagery.ImageryClient(image_source=sources["image"],
                                   segmentation_source=sources["seg"])
    img, seg = client.image_and_segmentation_cutout(BOUNDS)
    composite = imagery.composite_overlay(seg, imagery=img, alpha=0.35)
    n = differing_pixels(fig.picture.convert("RGBA"), composite)
    assert n == 0, "%d pixels differ" % n
    assert fig.image.shape == (544, 480, 1, 1)
    fig.picture.save(output_dir / "figure_in_memory.png")


def test_a_figure_file_is_the_clis(sources, tmp_path, imagery_cli):
    spec = dict(sources, bounds=BOUNDS, outline=True, width=2, alpha=1, no_merge_outline=True,
                scale_bar="auto")
    out = imagery.figure(spec, output=str(tmp_path / "py.png"))
    assert out.files["pictures"] == [str(tmp_path / "py.png")]
    assert json.loads((tmp_path / "py.json").read_text())["format"] == "imagery.figure/1"
    subprocess.run([imagery_cli, "figure", "--image", sources["image"], "--seg", sources["seg"],
                    "--bounds", "2000,1600,106,2544,2080,107", "--outline", "--width", "2",
                    "--alpha", "1", "--no-merge-outline", "--scale-bar", "auto",
                    "-o", str(tmp_path / "cli.png")], check=True, capture_output=True)
    n = differing_pixels(Image.open(tmp_path / "py.png"), Image.open(tmp_path / "cli.png"))
    assert n == 0, "%d pixels differ from the CLI's figure" % n


def test_a_spec_file_and_keyword_arguments_combine(sources, tmp_path):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(dict(sources, center=[2272, 1840, 106], image_size=[128, 96])))
    fig = imagery.figure(str(spec_file), image_size=[64, 48])
    assert fig.picture.size == (64, 48)
    with pytest.raises(ValueError, match="no_such_key"):
        imagery.figure(spec_file and str(spec_file), no_such_key=1)


def test_a_layout_is_written(tmp_path, output_dir):
    doc = json.loads((SOURCE_DIR / "examples" / "layout" / "demo_layout.json").read_text())
    doc["defaults"]["image"] = str(DEMO / "image")
    doc["defaults"]["seg"] = str(DEMO / "segmentation")
    for panel in doc["panels"]:
        if "points" in panel:
            panel["points"] = str(SOURCE_DIR / "examples" / "layout" / panel["points"].split("/")[-1])
    doc["dpi"] = 150
    files = imagery.layout(doc, output=str(output_dir / "layout.png"))
    picture = Image.open(files["picture"])
    assert picture.size[0] > 800  # 183 mm at 150 dpi
    assert json.loads(open(files["sidecar"]).read())["format"] == "imagery.layout/1"


def test_render_fits_the_output_size(sources, output_dir):
    r = imagery.render(sources["image"], bounds=[2000, 1600, 106, 2544, 2080, 107], max_size=272)
    assert r.picture.size == (272, 240)
    assert r.mip == 1 and tuple(r.resolution) == (8, 8, 40)
    assert r.values.shape[:2] == (272, 240)
    r.picture.save(output_dir / "render.png")
    with pytest.raises(ValueError, match="projection"):
        imagery.render(sources["image"], projection="median")


def test_a_batch_reports_each_row(sources, tmp_path):
    rows = [
        {"center": [2272, 1840, 106], "image_size": [64, 64], "output": str(tmp_path / "a.png")},
        {"center": [2272, 1840, 106], "image_size": [64, 64], "palette": "nope",
         "output": str(tmp_path / "b.png")},
        {"center": [2300, 1900, 106], "image_size": [64, 64], "output": str(tmp_path / "c.png")},
    ]
    results = imagery.batch(rows, defaults=sources, jobs=2)
    assert "files" in results[0] and "files" in results[2]
    assert isinstance(results[1]["error"], ValueError)
    assert (tmp_path / "a.png").exists() and not (tmp_path / "b.png").exists()
    assert np.asarray(Image.open(tmp_path / "c.png")).shape[:2] == (64, 64)
