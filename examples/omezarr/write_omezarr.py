#!/usr/bin/env python3
"""Writes two imagery cutouts (.npy files) as an OME-Zarr image with a label group, for the demo.

NGFF 0.4 on Zarr v2, with the Python standard library only: the image at level 0 and a 2x2-mean
level 1, the segmentation as labels/cells (its own integer type), zlib-compressed 4 x 64 x 64 chunks under
nested keys ("z/y/x"), an omero channel with a display window, and image-label colours for the
largest objects. Coordinates are nanometres: translation = first voxel x resolution, so imagery
reads the OME-Zarr at the same voxel offsets as the volumes the cutouts came from.

Usage: write_omezarr.py IMAGE.npy IMAGE_RES IMAGE_OFFSET SEG.npy SEG_RES SEG_OFFSET OUT.zarr
(RES and OFFSET as x,y,z; the .npy files as `imagery cutout` writes them: Fortran order, shape
(X, Y, Z, 1)).
"""
import array
import ast
import json
import os
import sys
import zlib
from collections import Counter

CHUNK = (4, 64, 64)  # z, y, x


def read_npy(path):
    """(shape x,y,z, dtype descr, raw bytes): x fastest, which is C order over (z, y, x)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    major = data[6]
    header_len = int.from_bytes(data[8:10] if major == 1 else data[8:12], "little")
    start = (10 if major == 1 else 12) + header_len
    header = ast.literal_eval(data[start - header_len:start].decode("latin1"))
    shape = header["shape"]
    if not header["fortran_order"] or len(shape) != 4 or shape[3] != 1:
        sys.exit(f"{path}: expected a Fortran-order (X, Y, Z, 1) array")
    return shape[:3], header["descr"], data[start:]


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def write_array(folder, shape_xyz, itemsize, dtype, raw):
    """`raw`: C order over (z, y, x), `itemsize` bytes a voxel."""
    x_size, y_size, z_size = shape_xyz
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, ".zarray"), {
        "zarr_format": 2, "shape": [z_size, y_size, x_size], "chunks": list(CHUNK),
        "dtype": dtype, "compressor": {"id": "zlib", "level": 1}, "fill_value": 0,
        "order": "C", "filters": None, "dimension_separator": "/"})
    row = x_size * itemsize
    for cz in range(0, z_size, CHUNK[0]):
        for cy in range(0, y_size, CHUNK[1]):
            for cx in range(0, x_size, CHUNK[2]):
                # A whole chunk, edge chunks padded with zeros, as Zarr stores them.
                chunk = bytearray(CHUNK[0] * CHUNK[1] * CHUNK[2] * itemsize)
                for z in range(cz, min(cz + CHUNK[0], z_size)):
                    for y in range(cy, min(cy + CHUNK[1], y_size)):
                        n = min(CHUNK[2], x_size - cx) * itemsize
                        src = (z * y_size + y) * row + cx * itemsize
                        dst = (((z - cz) * CHUNK[1]) + (y - cy)) * CHUNK[2] * itemsize
                        chunk[dst:dst + n] = raw[src:src + n]
                key = os.path.join(folder, str(cz // CHUNK[0]), str(cy // CHUNK[1]))
                os.makedirs(key, exist_ok=True)
                with open(os.path.join(key, str(cx // CHUNK[2])), "wb") as f:
                    f.write(zlib.compress(bytes(chunk), 1))


def halve(shape_xyz, raw):
    """The 2x2 mean over y, x (rounded half up) of a uint8 volume."""
    x_size, y_size, z_size = shape_xyz
    hx, hy = x_size // 2, y_size // 2
    out = bytearray(hx * hy * z_size)
    for z in range(z_size):
        for y in range(hy):
            r0 = (z * y_size + 2 * y) * x_size
            r1 = r0 + x_size
            for x in range(hx):
                s = raw[r0 + 2 * x] + raw[r0 + 2 * x + 1] + raw[r1 + 2 * x] + raw[r1 + 2 * x + 1]
                out[(z * hy + y) * hx + x] = (s + 2) // 4
    return (hx, hy, z_size), bytes(out)


def axes():
    return [{"name": n, "type": "space", "unit": "nanometer"} for n in ("z", "y", "x")]


def dataset(path, res, first_voxel, shift=0.0):
    return {"path": path, "coordinateTransformations": [
        {"type": "scale", "scale": [res[2], res[1], res[0]]},
        {"type": "translation", "translation": [first_voxel[2] * res[2],
                                                first_voxel[1] * res[1] + shift,
                                                first_voxel[0] * res[0] + shift]}]}


def numbers(text):
    return [float(v) for v in text.split(",")]


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    image_npy, image_res, image_offset, seg_npy, seg_res, seg_offset, out = sys.argv[1:]
    image_res, image_offset = numbers(image_res), numbers(image_offset)
    seg_res, seg_offset = numbers(seg_res), numbers(seg_offset)
    shape, descr, raw = read_npy(image_npy)
    if descr != "|u1":
        sys.exit(f"{image_npy}: expected uint8 imagery")
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, ".zgroup"), {"zarr_format": 2})
    write_array(os.path.join(out, "0"), shape, 1, "|u1", raw)
    half_shape, half = halve(shape, raw)
    write_array(os.path.join(out, "1"), half_shape, 1, "|u1", half)
    level1_res = [image_res[0] * 2, image_res[1] * 2, image_res[2]]
    level1_first = [image_offset[0] / 2, image_offset[1] / 2, image_offset[2]]
    # Level 1's voxel centres sit half a level-0 voxel further on (the usual NGFF pyramid).
    write_json(os.path.join(out, ".zattrs"), {
        "multiscales": [{"version": "0.4", "name": "demo", "type": "mean", "axes": axes(),
                         "datasets": [dataset("0", image_res, image_offset),
                                      {**dataset("1", level1_res, level1_first),
                                       "coordinateTransformations": [
                                           {"type": "scale", "scale": [level1_res[2],
                                                                       level1_res[1],
                                                                       level1_res[0]]},
                                           {"type": "translation", "translation": [
                                               level1_first[2] * level1_res[2],
                                               image_offset[1] * image_res[1] + image_res[1] / 2,
                                               image_offset[0] * image_res[0] + image_res[0] / 2]}]}]}],
        "omero": {"version": "0.4", "channels": [{
            "label": "EM", "color": "FFFFFF", "active": True,
            "window": {"min": 0, "max": 255, "start": 25, "end": 235}}],
            "rdefs": {"model": "greyscale"}}})

    seg_shape, seg_descr, seg_raw = read_npy(seg_npy)
    if seg_descr not in ("<u8", "<u4"):
        sys.exit(f"{seg_npy}: expected uint64 or uint32 labels")
    labels = array.array("Q" if seg_descr == "<u8" else "I")
    labels.frombytes(seg_raw)
    if sys.byteorder != "little":
        labels.byteswap()
    cells = os.path.join(out, "labels", "cells")
    os.makedirs(cells, exist_ok=True)
    write_json(os.path.join(out, "labels", ".zgroup"), {"zarr_format": 2})
    write_json(os.path.join(out, "labels", ".zattrs"), {"labels": ["cells"]})
    write_json(os.path.join(cells, ".zgroup"), {"zarr_format": 2})
    write_array(os.path.join(cells, "0"), seg_shape, labels.itemsize, seg_descr, seg_raw)
    palette = [[230, 25, 75, 255], [60, 180, 75, 255], [255, 225, 25, 255], [0, 130, 200, 255],
               [245, 130, 48, 255], [145, 30, 180, 255], [70, 240, 240, 255], [240, 50, 230, 255]]
    largest = [i for i, _ in Counter(v for v in labels if v).most_common(len(palette))]
    write_json(os.path.join(cells, ".zattrs"), {
        "multiscales": [{"version": "0.4", "name": "cells", "type": "nearest", "axes": axes(),
                         "datasets": [dataset("0", seg_res, seg_offset)]}],
        "image-label": {"version": "0.4", "source": {"image": "../../"},
                        "colors": [{"label-value": v, "rgba": c}
                                   for v, c in zip(sorted(largest), palette)]}})
    print(f"write_omezarr: wrote {out}")


if __name__ == "__main__":
    main()
