"""Errors become Python exceptions per error code, subclassing the built-in ones, with messages
naming the input and saying what to pass."""

import pytest

import imagery
from imagery import _native, errors

CODES = {
    "invalid argument": (errors.InvalidArgumentError, ValueError),
    "not found": (errors.NotFoundError, FileNotFoundError),
    "unavailable": (errors.UnavailableError, ConnectionError),
    "corrupt data": (errors.DataLossError, ValueError),
    "permission denied": (errors.PermissionDeniedError, PermissionError),
    "resource exhausted": (errors.ResourceExhaustedError, MemoryError),
    "i/o error": (errors.IoError, OSError),
    "internal error": (errors.InternalError, RuntimeError),
    "cancelled": (errors.CancelledError, RuntimeError),
}


def test_every_code_has_its_class():
    for code, (cls, builtin) in CODES.items():
        with pytest.raises(cls, match="message of " + code) as info:
            _native._raise_error(code, "message of " + code)
        assert isinstance(info.value, builtin)
        assert isinstance(info.value, imagery.ImageryError)
        assert info.value.code == code


def test_a_missing_volume_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "nothing")):
        imagery.open(str(tmp_path / "nothing"))


def test_a_missing_chunk_says_what_to_pass(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "missing_chunk"))
    with pytest.raises(FileNotFoundError, match="fill_missing=True"):
        vol.download(vol.bounds)
    filled = imagery.open(str(test_data / "cloudvolume" / "missing_chunk"), fill_missing=True)
    assert filled.download(filled.bounds).shape[:3] == tuple(filled.volume_size)


def test_reading_outside_a_bounded_volume_says_what_to_pass(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))
    lo = vol.voxel_offset
    box = [lo - 10, lo + 10]
    with pytest.raises(ValueError, match="bounded=False"):
        vol.download(box)
    outside = imagery.open(str(test_data / "cloudvolume" / "image_raw"), bounded=False)
    arr = outside.download(box)
    assert arr.shape == (20, 20, 20, 1) and (arr[:10, :10, :10] == 0).all()


def test_a_memory_budget_is_a_memory_error(test_data):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"), max_memory=1000)
    with pytest.raises(MemoryError, match="max_memory"):
        vol.download(vol.bounds)


def test_bad_arguments_are_value_errors(test_data, demo_image):
    vol = imagery.open(str(test_data / "cloudvolume" / "image_raw"))
    with pytest.raises(ValueError, match="bbox"):
        vol.download([1, 2, 3])
    with pytest.raises(FileNotFoundError):
        vol.download(vol.bounds, mip=7)
    client = imagery.ImageryClient(image_source=demo_image)
    with pytest.raises(ValueError, match="image_size or bbox_size"):
        client.image_cutout([2100, 1700, 104], bbox_size=(10, 10), image_size=(10, 10))
    with pytest.raises(ValueError, match="resolution"):
        imagery.ImageryClient(image_source=demo_image, resolution="nanometres")
    with pytest.raises(ValueError, match="palette"):
        imagery.composite_overlay(vol.download(vol.bounds)[..., 0, 0].astype("uint64"),
                                  palette="no-such-palette")


def test_a_refused_connection_is_a_connection_error():
    # A port nobody listens on (the discard port on loopback).
    with pytest.raises(ConnectionError):
        imagery.open("precomputed://http://127.0.0.1:9/volume")
