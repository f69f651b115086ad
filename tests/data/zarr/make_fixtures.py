#!/usr/bin/python3
"""Writes the Zarr fixtures of tests/zarr and tests/volume (checked in; rerun after a change).

Zarr v2 arrays and OME-Zarr 0.4 groups are written by zarr-python (Debian python3-zarr 2.13,
numcodecs 0.11). Zarr v3 has no writer in Debian: the v3 groups, arrays, codecs and shards are
written here from the specification (zarr-specs v3.0 core, sharding_indexed, crc32c; NGFF 0.5),
with the compressors of numcodecs and a CRC-32C of our own (bitwise, independent of the table
form in zarr/crc32c.cpp).

Every array holds value(i) = (flat C-order index * 7 + 3) % 251 - OFFSET, cast to its dtype
(OFFSET 50 for signed types; floats: flat * 0.5 - 10), so tests recompute it without truth files.

Usage: /usr/bin/python3 tests/data/zarr/make_fixtures.py   (from the repository root)
"""
import json
import os
import shutil
import struct

import numcodecs
import numpy as np
import zarr

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))


def values(shape, dtype):
    dtype = np.dtype(dtype)
    flat = np.arange(int(np.prod(shape)), dtype=np.int64)
    if dtype.kind == "f":
        v = flat * 0.5 - 10
    else:
        v = (flat * 7 + 3) % 251 - (50 if dtype.kind == "i" else 0)
    return v.astype(dtype).reshape(shape)


def v2_arrays():
    out = os.path.join(ROOT, "v2")
    shutil.rmtree(out, ignore_errors=True)
    group = zarr.open_group(zarr.DirectoryStore(out), mode="w")
    shape, chunks = (3, 5, 6), (2, 3, 4)
    blosc = lambda cname, shuffle: numcodecs.Blosc(cname=cname, clevel=5, shuffle=shuffle)
    cases = {
        # every dtype, little- and big-endian
        "u1": ("|u1", None), "i1": ("|i1", None), "u2": ("<u2", None), "i2": ("<i2", None),
        "u4": ("<u4", None), "i4": ("<i4", None), "u8": ("<u8", None), "i8": ("<i8", None),
        "f4": ("<f4", None), "f8": ("<f8", None),
        "be_u2": (">u2", None), "be_i4": (">i4", None), "be_u8": (">u8", None),
        "be_f4": (">f4", None), "be_f8": (">f8", None),
        # every compressor
        "zlib": ("<u2", numcodecs.Zlib(level=6)), "gzip": ("<u2", numcodecs.GZip(level=6)),
        "zstd": ("<u2", numcodecs.Zstd(level=3)), "lz4": ("<u2", numcodecs.LZ4()),
    }
    for cname in ["lz4", "lz4hc", "zstd", "zlib", "blosclz"]:
        for shuffle, sname in [(0, "noshuffle"), (1, "shuffle"), (2, "bitshuffle")]:
            cases[f"blosc_{cname}_{sname}"] = ("<u4", blosc(cname, shuffle))
    for name, (dtype, compressor) in cases.items():
        a = group.create_dataset(name, shape=shape, chunks=chunks, dtype=dtype,
                                 compressor=compressor, fill_value=0)
        a[...] = values(shape, dtype)
    # F order, nested keys, big-endian in F order
    for name, dtype, kw in [("f_order", "<u2", dict(order="F")),
                            ("f_order_be", ">i4", dict(order="F")),
                            ("nested", "<u2", dict(dimension_separator="/"))]:
        a = group.create_dataset(name, shape=shape, chunks=chunks, dtype=dtype,
                                 compressor=numcodecs.Zstd(), fill_value=0, **kw)
        a[...] = values(shape, dtype)
    # absent chunks read as fill values, NaN among them
    for name, dtype, fill in [("fill_nan", "<f4", "NaN"), ("fill_7", "<u2", 7)]:
        a = group.create_dataset(name, shape=shape, chunks=chunks, dtype=dtype,
                                 compressor=None, fill_value=float("nan") if fill == "NaN" else fill,
                                 write_empty_chunks=False)
        a[0:2, 0:3, 0:4] = values(shape, dtype)[0:2, 0:3, 0:4]  # only chunk 0.0.0 is written


def ngff_v2(name, axes, shape, scale, levels, dtype, chunks, labels=True, translation=None,
            omero=None, compressor=None):
    """An OME-Zarr 0.4 image (2x downsampled in y and x per level) with labels/cells."""
    path = os.path.join(ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    root = zarr.open_group(zarr.DirectoryStore(path, dimension_separator="/"), mode="w")
    names = [a["name"] for a in axes]
    datasets, label_sets = [], []
    img = values(shape, dtype)
    lab = (values(shape, "<u4") // 40).astype("<u4")  # a few label ids
    lab[..., 0:2] = 0
    for k in range(levels):
        f = [2 ** k if n in "yx" else 1 for n in names]
        lshape = [s // ff for s, ff in zip(shape, f)]
        sl = tuple(slice(0, ls * ff, ff) for ls, ff in zip(lshape, f))
        t = list(translation or [0.0] * len(names))
        s = [sc * ff for sc, ff in zip(scale, f)]
        tr = [{"type": "scale", "scale": s}, {"type": "translation", "translation": t}]
        a = root.create_dataset(str(k), shape=lshape, chunks=chunks, dtype=dtype,
                                compressor=compressor or numcodecs.Blosc("lz4", 5, 1))
        a[...] = img[sl]
        datasets.append({"path": str(k), "coordinateTransformations": tr})
        if labels:
            g = root.require_group("labels/cells")
            b = g.create_dataset(str(k), shape=lshape, chunks=chunks, dtype="<u4",
                                 compressor=numcodecs.Blosc("zstd", 5, 2))
            b[...] = lab[sl]
            label_sets.append({"path": str(k), "coordinateTransformations": tr})
    ms = {"version": "0.4", "name": name, "axes": axes, "datasets": datasets}
    root.attrs["multiscales"] = [ms]
    if omero:
        root.attrs["omero"] = omero
    if labels:
        root["labels"].attrs["labels"] = ["cells"]
        cells = root["labels/cells"]
        cells.attrs["multiscales"] = [dict(ms, name="cells", datasets=label_sets)]
        cells.attrs["image-label"] = {"version": "0.4", "source": {"image": "../../"},
                                      "colors": [{"label-value": 1, "rgba": [255, 0, 0, 255]},
                                                 {"label-value": 2, "rgba": [0, 0, 255, 255]}]}


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def encode_v3(arr, codecs):
    """Encodes one chunk (numpy array) through a v3 codec list (no sharding)."""
    data = arr
    for c in codecs:
        n, conf = c["name"], c.get("configuration", {})
        if n == "transpose":
            data = np.ascontiguousarray(np.transpose(data, conf["order"]))
        elif n == "bytes":
            order = ">" if conf.get("endian") == "big" else "<"
            data = np.ascontiguousarray(data).astype(data.dtype.newbyteorder(order)).tobytes()
        elif n == "gzip":
            data = numcodecs.GZip(conf["level"]).encode(data)
        elif n == "zstd":
            data = bytes(numcodecs.Zstd(conf["level"]).encode(data))
        elif n == "blosc":
            shuffle = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}[conf["shuffle"]]
            data = bytes(numcodecs.Blosc(conf["cname"], conf["clevel"], shuffle,
                                         conf.get("blocksize", 0)).encode(data))
        elif n == "crc32c":
            data = bytes(data) + struct.pack("<I", crc32c(bytes(data)))
        else:
            raise ValueError(n)
    return bytes(data)


def chunk_key(cell, encoding):
    if encoding.get("name", "default") == "default":
        sep = encoding.get("configuration", {}).get("separator", "/")
        return "c" + "".join(sep + str(i) for i in cell) if cell else "c"
    sep = encoding.get("configuration", {}).get("separator", ".")
    return sep.join(str(i) for i in cell) if cell else "0"


def write_v3_array(path, data, chunk_shape, codecs, fill_value=0, encoding=None,
                   skip=lambda cell: False, dimension_names=None):
    """A v3 array; `skip(cell)` leaves a chunk (or shard) unwritten."""
    encoding = encoding or {"name": "default"}
    os.makedirs(path, exist_ok=True)
    meta = {"zarr_format": 3, "node_type": "array", "shape": list(data.shape),
            "data_type": str(data.dtype.newbyteorder("=").name),
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunk_shape)}},
            "chunk_key_encoding": encoding, "fill_value": fill_value, "codecs": codecs,
            "attributes": {}}
    if dimension_names:
        meta["dimension_names"] = dimension_names
    with open(os.path.join(path, "zarr.json"), "w") as f:
        json.dump(meta, f, indent=2)
    grid = [-(-s // c) for s, c in zip(data.shape, chunk_shape)]
    for cell in np.ndindex(*grid):
        if skip(cell):
            continue
        block = np.full(chunk_shape, fill_value, dtype=data.dtype)
        sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(cell, chunk_shape,
                                                                          data.shape))
        part = data[sl]
        block[tuple(slice(0, p) for p in part.shape)] = part
        sharding = codecs[0] if codecs[0]["name"] == "sharding_indexed" else None
        body = encode_shard(block, sharding["configuration"], fill_value) if sharding else \
            encode_v3(block, codecs)
        key = os.path.join(path, chunk_key(list(cell), encoding))
        os.makedirs(os.path.dirname(key), exist_ok=True)
        with open(key, "wb") as f:
            f.write(body)


def encode_shard(shard, conf, fill_value):
    inner = conf["chunk_shape"]
    grid = [s // c for s, c in zip(shard.shape, inner)]
    chunks, index = [], []
    n_inner = int(np.prod(grid))
    index_size = 16 * n_inner + 4 * sum(c["name"] == "crc32c" for c in conf["index_codecs"])
    offset = index_size if conf.get("index_location", "end") == "start" else 0
    for cell in np.ndindex(*grid):
        block = shard[tuple(slice(i * c, (i + 1) * c) for i, c in zip(cell, inner))]
        if np.all(block == fill_value):  # an inner chunk of fill values is not stored
            index += [2 ** 64 - 1, 2 ** 64 - 1]
            continue
        enc = encode_v3(block, conf["codecs"])
        index += [offset, len(enc)]
        offset += len(enc)
        chunks.append(enc)
    idx = encode_v3(np.array(index, dtype="<u8").reshape(grid + [2]), conf["index_codecs"])
    body = b"".join(chunks)
    return idx + body if conf.get("index_location", "end") == "start" else body + idx


def v3_arrays():
    out = os.path.join(ROOT, "v3")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "zarr.json"), "w") as f:
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {}}, f)
    shape, chunks = (3, 5, 6), (2, 3, 4)
    le = lambda: {"name": "bytes", "configuration": {"endian": "little"}}
    be = {"name": "bytes", "configuration": {"endian": "big"}}
    cases = {
        "raw_u2": ("uint16", [le()]),
        "be_f8": ("float64", [be]),
        "be_i2_gzip": ("int16", [be, {"name": "gzip", "configuration": {"level": 5}}]),
        "zstd_u4": ("uint32", [le(), {"name": "zstd", "configuration": {"level": 3,
                                                                       "checksum": False}}]),
        "blosc_u2": ("uint16", [le(), {"name": "blosc", "configuration": {
            "cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 2, "blocksize": 0}}]),
        "crc_u1": ("uint8", [{"name": "bytes", "configuration": {}},
                              {"name": "crc32c"}]),
        "transpose_i4": ("int32", [{"name": "transpose", "configuration": {"order": [2, 0, 1]}},
                                   le(), {"name": "zstd", "configuration": {"level": 1}}]),
    }
    for name, (dtype, codecs) in cases.items():
        write_v3_array(os.path.join(out, name), values(shape, dtype), chunks, codecs)
    write_v3_array(os.path.join(out, "v2_keys"), values(shape, "uint16"), chunks, [le()],
                   encoding={"name": "v2", "configuration": {"separator": "."}})
    write_v3_array(os.path.join(out, "dot_keys"), values(shape, "uint16"), chunks, [le()],
                   encoding={"name": "default", "configuration": {"separator": "."}})
    # Sharded: shards of 2 x 4 x 6 with inner chunks 1 x 2 x 3, some inner chunks of fill value
    # only (absent from the index), one shard not written at all.
    data = values((3, 8, 12), "uint16")
    data[0, 0:2, 0:3] = 0
    data[1, 4:8, :] = 0
    for loc in ["end", "start"]:
        sharding = {"name": "sharding_indexed", "configuration": {
            "chunk_shape": [1, 2, 3],
            "codecs": [le(), {"name": "zstd", "configuration": {"level": 3, "checksum": False}}],
            "index_codecs": [le(), {"name": "crc32c"}],
            "index_location": loc}}
        write_v3_array(os.path.join(out, "sharded_" + loc), data, (2, 4, 6), [sharding],
                       skip=lambda cell: cell == (1, 1, 1))


def ngff_v3():
    """An OME-Zarr 0.5 image (Zarr v3, sharded zstd) with labels/cells, axes c,z,y,x."""
    path = os.path.join(ROOT, "v3image.zarr")
    shutil.rmtree(path, ignore_errors=True)
    axes = [{"name": "c", "type": "channel"}, {"name": "z", "type": "space", "unit": "nanometer"},
            {"name": "y", "type": "space", "unit": "nanometer"},
            {"name": "x", "type": "space", "unit": "nanometer"}]
    shape = (2, 4, 16, 20)
    img = values(shape, "uint8")
    lab = (values(shape[1:], "uint32") // 40).astype("uint32")
    sharding = {"name": "sharding_indexed", "configuration": {
        "chunk_shape": [1, 2, 4, 4],
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                   {"name": "zstd", "configuration": {"level": 3, "checksum": False}}],
        "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                         {"name": "crc32c"}],
        "index_location": "end"}}
    datasets, lsets = [], []
    for k in range(2):
        f = 2 ** k
        sl = (slice(None), slice(None), slice(0, None, f), slice(0, None, f))
        s = [1.0, 40.0, 4.0 * f, 4.0 * f]
        tr = [{"type": "scale", "scale": s}, {"type": "translation",
                                                "translation": [0.0, 400.0, 80.0, 40.0]}]
        write_v3_array(os.path.join(path, str(k)), img[sl], (1, 4, 8, 8), [sharding],
                       dimension_names=["c", "z", "y", "x"])
        datasets.append({"path": str(k), "coordinateTransformations": tr})
        lsh = json.loads(json.dumps(sharding))
        lsh["configuration"]["chunk_shape"] = [2, 4, 4]
        write_v3_array(os.path.join(path, "labels", "cells", str(k)), lab[sl[1:]], (4, 8, 8),
                       [lsh])
        lsets.append({"path": str(k), "coordinateTransformations": [
            {"type": "scale", "scale": s[1:]},
            {"type": "translation", "translation": [400.0, 80.0, 40.0]}]})
    ms = {"name": "v3image", "axes": axes, "datasets": datasets}
    group = lambda attrs: {"zarr_format": 3, "node_type": "group", "attributes": attrs}
    with open(os.path.join(path, "zarr.json"), "w") as f:
        json.dump(group({"ome": {"version": "0.5", "multiscales": [ms], "omero": {"channels": [
            {"label": "a", "color": "FF00FF", "window": {"min": 0, "max": 255, "start": 10,
                                                         "end": 200}},
            {"label": "b", "color": "00FF00", "window": {"min": 0, "max": 255, "start": 0,
                                                         "end": 255}}]}}}), f, indent=2)
    with open(os.path.join(path, "labels", "zarr.json"), "w") as f:
        json.dump(group({"ome": {"version": "0.5", "labels": ["cells"]}}), f, indent=2)
    with open(os.path.join(path, "labels", "cells", "zarr.json"), "w") as f:
        json.dump(group({"ome": {"version": "0.5", "multiscales": [
            dict(ms, name="cells", axes=axes[1:], datasets=lsets)],
            "image-label": {"colors": [{"label-value": 3, "rgba": [0, 255, 0, 255]}]}}}), f,
            indent=2)


if __name__ == "__main__":
    v2_arrays()
    v3_arrays()
    space = lambda n: {"name": n, "type": "space", "unit": "micrometer"}
    # t,c,z,y,x with 2 time points and 2 channels; translation of whole voxels
    ngff_v2("tczyx.zarr", [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"},
                           space("z"), space("y"), space("x")],
            (2, 2, 3, 16, 20), [1.0, 1.0, 0.04, 0.004, 0.004], 2, "<u2", (1, 1, 2, 8, 8),
            labels=False, translation=[0.0, 0.0, 0.4, 0.08, 0.04],
            omero={"channels": [{"label": "DAPI", "color": "0000FF",
                                 "window": {"min": 0, "max": 300, "start": 20, "end": 240}},
                                {"label": "GFP", "color": "00FF00",
                                 "window": {"min": 0, "max": 300, "start": 0, "end": 250}}]})
    # z,y,x with labels (the figure tests' pair)
    ngff_v2("zyx.zarr", [space("z"), space("y"), space("x")], (4, 32, 40),
            [0.04, 0.004, 0.004], 2, "|u1", (2, 16, 16),
            omero={"channels": [{"label": "EM", "color": "FFFFFF",
                                 "window": {"min": 0, "max": 255, "start": 20, "end": 230}}]})
    # y,x only (a 2-D image is one z), x before y in nanometres, 3 levels, zlib
    ngff_v2("xy.zarr", [{"name": "x", "type": "space", "unit": "nanometer"},
                        {"name": "y", "type": "space", "unit": "nanometer"}],
            (24, 18), [6.0, 6.0], 3, "<u2", (8, 8), labels=False,
            compressor=numcodecs.Zlib(level=5))
    ngff_v3()
