"""Cutouts equal to CloudVolume's own arrays (../shared/fixtures/cloudvolume/truth, read where
present; never copied into the project): boxes aligned and unaligned to chunks at every mip of
every fixture volume, through imagery.open and through ImageryClient's segmentation cutout."""

import os
import pathlib

import numpy as np
import pytest

import imagery

SHARED = os.environ.get("IMAGERY_SHARED_FIXTURES")
pytestmark = pytest.mark.skipif(not SHARED, reason="IMAGERY_SHARED_FIXTURES is not set")

BOXES = [  # offsets from the mip's voxel offset and sizes
    ((0, 0, 0), (64, 64, 16)),
    ((3, 5, 7), (61, 70, 11)),
    ((37, 1, 15), (40, 90, 3)),
]


def volumes():
    root = pathlib.Path(SHARED) / "cloudvolume"
    for truth in sorted((root / "truth").glob("*/mip*.npz")):
        yield root / truth.parent.name, int(truth.stem[3:]), truth


def test_sub_boxes_equal_cloudvolumes_arrays():
    checked = 0
    for folder, mip, truth_file in volumes():
        truth = np.load(truth_file)["data"]
        vol = imagery.open(str(folder), mip=mip, fill_missing=True)
        lo = vol.voxel_offset
        for offset, size in BOXES:
            size = np.minimum(size, np.array(truth.shape[:3]) - offset)
            a = np.array(offset) + lo
            got = vol.download([a, a + size])
            want = truth[offset[0]:offset[0] + size[0], offset[1]:offset[1] + size[1],
                         offset[2]:offset[2] + size[2]]
            assert got.shape[:3] == want.shape[:3]
            n = int((got[..., 0] != want.reshape(got.shape[:3])).sum())
            assert n == 0, "%s mip %d box %s: %d voxels differ" % (folder.name, mip, offset, n)
            checked += 1
    assert checked >= 3 * 13


def test_the_clients_segmentation_cutout_is_cloudvolumes_as_int64():
    root = pathlib.Path(SHARED) / "cloudvolume"
    truth = np.load(root / "truth" / "seg_cseg" / "mip0.npz")["data"]
    client = imagery.ImageryClient(segmentation_source=str(root / "seg_cseg"))
    seg = client.segmentation_cutout([[60, 20, 13], [170, 120, 14]])
    assert seg.dtype == np.int64 and seg.shape == (110, 100)
    assert np.array_equal(seg, truth[10:120, 2:102, 1].astype(np.int64))
