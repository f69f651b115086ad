"""ImageryClient's golden pictures (tests/data/imageryclient, from ../shared/fixtures/imageryclient)
drawn through the Python API with ImageryClient's calls as its README writes them:

    import imageryclient as ic
    ic.composite_overlay(seg, imagery=img, alpha=0.4, palette='tab10', ...)

and compared pixel for pixel with the count of differing pixels in the message."""

import hashlib

import numpy as np
import pytest
from PIL import Image

import imagery as ic
from conftest import differing_pixels, load_json


@pytest.fixture(scope="module")
def manifest(test_data):
    return load_json(test_data / "imageryclient" / "manifest.json")


@pytest.fixture(scope="module")
def inputs(test_data):
    folder = test_data / "imageryclient" / "inputs"
    return {
        "256": (np.load(folder / "seg256.npy"), np.load(folder / "img256.npy")),
        "3d": (np.load(folder / "seg3d.npy"), np.load(folder / "img3d.npy")),
    }


def check(test_data, entry, picture):
    golden = Image.open(test_data / "imageryclient" / "golden" / entry["file"])
    assert picture.mode == entry["mode"]
    n = differing_pixels(picture, golden.convert(entry["mode"]))
    assert n == 0, "%s: %d pixels differ" % (entry["file"], n)
    # The manifest's hash of the decoded pixels (H x W x C), as ImageryClient's made them.
    assert hashlib.sha256(np.asarray(picture).tobytes()).hexdigest() == entry["pixel_sha256"]


def test_every_2d_composite_matches_imageryclient(test_data, manifest, inputs):
    entries = [e for e in manifest["files"] if e["input"] == "256"]
    assert len(entries) == 34
    for entry in entries:
        seg, img = inputs["256"]
        kwargs = dict(entry["params"])
        if entry["imagery"]:
            kwargs["imagery"] = img
        picture = ic.composite_overlay(seg, **kwargs)
        assert isinstance(picture, Image.Image)
        check(test_data, entry, picture)


def test_a_3d_series_gives_one_picture_per_slice(test_data, manifest, inputs):
    seg, img = inputs["3d"]
    pictures = ic.composite_overlay(seg, imagery=img, alpha=0.4)
    assert isinstance(pictures, list) and len(pictures) == seg.shape[2]
    entries = [e for e in manifest["files"] if e["input"] == "3d" and "stacked" not in e]
    assert len(entries) == 5
    for entry in entries:
        check(test_data, entry, pictures[entry["slice"]])


def test_stacked_series_match_stack_images(test_data, manifest, inputs):
    seg, img = inputs["3d"]
    pictures = ic.composite_overlay(seg, imagery=img, alpha=0.4)
    entries = [e for e in manifest["files"] if "stacked" in e]
    assert len(entries) == 4
    for entry in entries:
        stacked = ic.stack_images(pictures, **entry["params"])
        check(test_data, entry, stacked)


def test_masks_from_the_client_draw_like_the_array(test_data, manifest, inputs):
    # ImageryClient's README splits the segmentation first: segs = utils.segmentation_masks(seg).
    seg, img = inputs["256"]
    masks = ic.segmentation_masks(seg)
    assert list(masks) == sorted(masks)
    assert all(m.dtype == np.int64 for m in masks.values())
    from_masks = ic.composite_overlay(masks, imagery=img, outline=True, width=3, alpha=1.0)
    entry = next(e for e in manifest["files"] if e["file"] == "outline_256_out_merge_w3_a1.0.png")
    check(test_data, entry, from_masks)


def test_palettes_match_seaborn(test_data):
    palettes = load_json(test_data / "imageryclient" / "palettes.json")
    checked = 0
    for name in ("husl", "hls", "tab10"):
        for n_text, expected in palettes[name].items():
            n = int(n_text)
            got = ic.discrete_colors(list(range(n)), palette=name)
            assert ic.colors_to_uint8(got) == [list(c) for c in expected["uint8"]], (name, n)
            checked += 1
    assert checked >= 30


def test_colours_by_id_and_by_rank_are_used(inputs):
    seg, img = inputs["256"]
    ids = [i for i in np.unique(seg) if i != 0]
    red = {i: (1.0, 0.0, 0.0) for i in ids}
    picture = np.asarray(ic.composite_overlay(seg, colors=red, alpha=1.0))
    drawn = picture[..., 3] > 0
    assert drawn.any()
    assert (picture[drawn][:, :3] == [255, 0, 0]).all()
    by_rank = np.asarray(ic.composite_overlay(seg, colors=[(0, 0, 1.0)] * len(ids), alpha=1.0))
    assert (by_rank[by_rank[..., 3] > 0][:, :3] == [0, 0, 255]).all()
    with pytest.raises(ValueError):
        ic.composite_overlay(seg, colors={ids[0]: (1, 0, 0)})  # other ids have no colour


def test_bounds_from_center_is_imageryclients(test_data):
    cases = load_json(test_data / "client" / "geometry_cases.json")["bounds_from_center"]
    assert ic.bounds_from_center([100, 200, 10], 5, 5, 3).tolist() == cases[
        "ctr=[100, 200, 10], w/h/d=(5, 5, 3)"]
    assert ic.bounds_from_center([100, 200, 10], 400.0, 255.0, 1).tolist() == cases[
        "ctr=[100, 200, 10], w/h/d=(400.0, 255.0, 1)"]
    assert ic.bounds_from_center([100, 200, 10], 4, 4).tolist() == cases[
        "ctr=[100, 200, 10], w/h/d=(4, 4, 1)"]


def test_without_pillow_pictures_are_numpy_arrays(monkeypatch, test_data, manifest, inputs):
    seg, img = inputs["256"]
    entry = next(e for e in manifest["files"] if e["file"] == "fill_256_husl_a0.4.png")
    monkeypatch.setattr(ic.composite, "_PILImage", None)  # as if Pillow were not installed
    arr = ic.composite_overlay(seg, imagery=img, palette="husl", alpha=0.4)
    assert isinstance(arr, np.ndarray) and arr.shape == (256, 256, 4) and arr.dtype == np.uint8
    assert hashlib.sha256(arr.tobytes()).hexdigest() == entry["pixel_sha256"]
