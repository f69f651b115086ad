"""imagery.open: CloudVolume-style reads equal to CloudVolume's own arrays (the whole-mip SHA-256
of tests/data/cloudvolume/truth_sha256.txt, over x-fastest bytes), slicing, info, zero-copy."""

import hashlib
import json
import numpy as np
import pytest

import imagery


def truth(test_data):
    rows = []
    for line in (test_data / "cloudvolume" / "truth_sha256.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, mip, x, y, z, c, dtype, sha = line.split()
            rows.append((name, int(mip), (int(x), int(y), int(z), int(c)), dtype, sha))
    return rows


def test_whole_mips_equal_cloudvolumes_arrays(test_data):
    rows = truth(test_data)
    assert len(rows) >= 13
    for name, mip, shape, dtype, sha in rows:
        vol = imagery.open("precomputed://file://%s" % (test_data / "cloudvolume" / name),
                           mip=mip, fill_missing=True)
        arr = vol.download(vol.bounds, mip=mip)
        assert arr.shape == shape, name
        assert arr.dtype == np.dtype(dtype), name
        assert arr.flags.f_contiguous
        digest = hashlib.sha256(arr.tobytes(order="F")).hexdigest()
        assert digest == sha, "%s mip %d: the cutout differs from CloudVolume's" % (name, mip)


def test_slices_read_like_download(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "seg_cseg"))
    whole = vol.download(vol.bounds)
    part = vol[60:90, 20:41, 13:15]
    assert part.shape == (30, 21, 2, 1)
    x0, y0, z0 = vol.voxel_offset
    assert np.array_equal(part, whole[60 - x0:90 - x0, 20 - y0:41 - y0, 13 - z0:15 - z0])
    assert np.array_equal(vol[:, :, 20], whole[:, :, 20 - z0:21 - z0])


def test_segids_keep_only_those_ids(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "seg_cseg"))
    whole = vol.download(vol.bounds)
    ids = [i for i in np.unique(whole) if i != 0][:3]
    kept = vol.download(vol.bounds, segids=ids)
    assert set(np.unique(kept)) <= set(ids) | {0}
    assert np.array_equal(kept != 0, np.isin(whole, ids))


def test_info_and_scales_describe_the_volume(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))
    on_disk = json.loads((test_data / "cloudvolume" / "image_raw" / "info").read_text())
    assert vol.info["scales"][0]["key"] == on_disk["scales"][0]["key"]
    assert vol.mip_resolution(1).tolist() == [8, 8, 40]
    assert vol.shape == (300, 270, 37, 1)
    assert vol.dtype == np.uint8
    assert vol.layer_type == "image"


def test_arrays_own_the_native_buffer_without_copies(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))
    arr = vol.download([[100, 36, 12], [164, 100, 13]])
    # A view whose base is the capsule holding the C++ array: numpy did not copy.
    assert not arr.flags.owndata and type(arr.base).__name__ == "PyCapsule"
    assert arr.flags.f_contiguous and arr.flags.writeable
    view = arr[:, :, 0, 0]
    del arr
    assert view.sum() > 0  # the buffer lives on while a view holds it


def test_progress_is_called_from_python(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))
    calls = []
    vol.download(vol.bounds, progress=lambda done, total, nbytes: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_an_exception_in_progress_reaches_the_caller(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))

    def boom(done, total, nbytes):
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        vol.download(vol.bounds, progress=boom)
