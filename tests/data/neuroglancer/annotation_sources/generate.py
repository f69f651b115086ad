#!/usr/bin/env python3
"""Writes the precomputed annotation sources the tests of neuroglancer/annotation_source.cpp read.

Our own writer, standard library only, following Neuroglancer's spec
(src/datasource/precomputed/annotations.md in google/neuroglancer) step by step; it is the tests'
ground truth, so it is kept simple and literal. Each source gets an `expected.json`: every
annotation as written, and the ids whose geometry meets a few boxes (computed here, independently
of the C++ reader). Deterministic: run it again and nothing changes.

    python3 tests/data/neuroglancer/annotation_sources/generate.py
"""

import gzip
import json
import os
import random
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# Property types: (bytes, alignment, struct format). Spec, "Single annotation encoding": 4-byte
# types (uint32, int32, float32) first, then 2-byte types, then 1-byte types (uint8, int8, rgb,
# rgba), then zero padding to a multiple of 4. Within one size, the info's order is kept.
PROPERTY_TYPES = {
    "float32": (4, 4, "<f"),
    "uint32": (4, 4, "<I"),
    "int32": (4, 4, "<i"),
    "uint16": (2, 2, "<H"),
    "int16": (2, 2, "<h"),
    "uint8": (1, 1, "<B"),
    "int8": (1, 1, "<b"),
    "rgb": (3, 1, None),
    "rgba": (4, 1, None),
}


def stored_property_order(properties):
    # sorted() is stable: equal alignments keep their info order.
    return sorted(range(len(properties)), key=lambda i: -PROPERTY_TYPES[properties[i]["type"]][1])


def encode_record(kind, geometry, props, properties):
    """One annotation without its id: float32le geometry, properties, padding to 4 bytes."""
    out = bytearray(struct.pack("<%df" % len(geometry), *geometry))
    for i in stored_property_order(properties):
        size, align, fmt = PROPERTY_TYPES[properties[i]["type"]]
        while len(out) % align:
            out.append(0)
        value = props[i]
        if properties[i]["type"] == "rgb":
            out += bytes(value)  # [r, g, b]
        elif properties[i]["type"] == "rgba":
            out += bytes(value)  # [r, g, b, a]
        else:
            out += struct.pack(fmt, value)
    while len(out) % 4:
        out.append(0)
    return bytes(out)


def encode_list(annotations, properties):
    """Multiple annotation encoding: uint64le count, the records, then the uint64le ids."""
    out = bytearray(struct.pack("<Q", len(annotations)))
    for a in annotations:
        out += encode_record(a["kind"], a["geometry"], a["props"], properties)
    for a in annotations:
        out += struct.pack("<Q", a["id"])
    return bytes(out)


def encode_single(a, properties, relationships):
    """Single annotation encoding (by_id): the record, then per relationship a uint32le count and
    uint64le ids."""
    out = bytearray(encode_record(a["kind"], a["geometry"], a["props"], properties))
    for r in relationships:
        ids = a["related"].get(r, [])
        out += struct.pack("<I", len(ids))
        for i in ids:
            out += struct.pack("<Q", i)
    return bytes(out)


def bounds_of(a):
    """Axis-aligned bounds (closed) of an annotation's geometry."""
    g = a["geometry"]
    if a["kind"] == "POINT":
        return g[:3], g[:3]
    if a["kind"] == "ELLIPSOID":
        return ([g[d] - abs(g[3 + d]) for d in range(3)], [g[d] + abs(g[3 + d]) for d in range(3)])
    return ([min(g[d], g[3 + d]) for d in range(3)], [max(g[d], g[3 + d]) for d in range(3)])


def meets_box(a, lo, hi):
    """The reader's promise (annotation_source.h): points in [lo, hi); other geometry with a point
    in common with the closed box."""
    g = a["geometry"]
    kind = a["kind"]
    if kind == "POINT":
        return all(lo[d] <= g[d] < hi[d] for d in range(3))
    if kind == "AXIS_ALIGNED_BOUNDING_BOX":
        return all(max(g[d], g[3 + d]) >= lo[d] and min(g[d], g[3 + d]) < hi[d] for d in range(3))
    if kind == "LINE":
        t0, t1 = 0.0, 1.0
        for d in range(3):
            p, q = g[d], g[3 + d] - g[d]
            if q == 0:
                if not lo[d] <= p <= hi[d]:
                    return False
                continue
            u, w = (lo[d] - p) / q, (hi[d] - p) / q
            t0, t1 = max(t0, min(u, w)), min(t1, max(u, w))
            if t0 > t1:
                return False
        return True
    # ELLIPSOID: the box's point nearest the centre lies inside.
    s = 0.0
    for d in range(3):
        c, r = g[d], abs(g[3 + d])
        q = min(max(c, lo[d]), hi[d])
        if q != c:
            if r == 0:
                return False
            s += ((q - c) / r) ** 2
    return s <= 1


def cell_meets(a, cell_lo, cell_hi):
    # Spec: cell `cell` covers [lower + cell * size, lower + (cell + 1) * size] (closed); an
    # annotation goes to every cell its bounds meet.
    lo, hi = bounds_of(a)
    return all(lo[d] <= cell_hi[d] and hi[d] >= cell_lo[d] for d in range(3))


def spatial_levels(annotations, lower, upper, limit, rng, z_halves):
    """The spec's "Spatial index" algorithm: level 0 is one cell; each finer level halves the cell
    size (z only while z_halves allows); each cell emits a uniform random subsample with
    probability min(1, limit / maxCount(level)); what was not emitted goes on to the child cells.
    Returns [(grid_shape, chunk_size, {cell: [annotations]})]."""
    levels = []
    grid = [1, 1, 1]
    remaining = {(0, 0, 0): list(annotations)}
    level = 0
    while any(remaining.values()):
        size = [(upper[d] - lower[d]) / grid[d] for d in range(3)]
        max_count = max(len(v) for v in remaining.values())
        p = min(1.0, limit / max_count)
        emitted = {}
        for cell in sorted(remaining):
            chosen = [a for a in remaining[cell] if rng.random() < p]
            rng.shuffle(chosen)  # spec: the list "should be ordered randomly"
            if chosen:
                emitted[cell] = chosen
        levels.append((list(grid), size, emitted))
        factor = [2, 2, 2 if level < z_halves else 1]
        child_grid = [grid[d] * factor[d] for d in range(3)]
        child_size = [(upper[d] - lower[d]) / child_grid[d] for d in range(3)]
        child_remaining = {}
        for cell, items in remaining.items():
            chosen_ids = {a["id"] for a in emitted.get(cell, [])}
            left = [a for a in items if a["id"] not in chosen_ids]
            for dz in range(factor[2]):
                for dy in range(factor[1]):
                    for dx in range(factor[0]):
                        child = (cell[0] * factor[0] + dx, cell[1] * factor[1] + dy,
                                 cell[2] * factor[2] + dz)
                        c_lo = [lower[d] + child[d] * child_size[d] for d in range(3)]
                        c_hi = [lower[d] + (child[d] + 1) * child_size[d] for d in range(3)]
                        inside = [a for a in left if cell_meets(a, c_lo, c_hi)]
                        if inside:
                            child_remaining[child] = inside
        remaining = child_remaining
        grid = child_grid
        level += 1
    return levels


def compressed_morton_code(cell, grid):
    # volume.md, "Compressed morton code": bit i of each dimension whose grid needs more than i
    # bits, dimensions in order x, y, z, from the least significant bit up.
    bits = [(g - 1).bit_length() for g in grid]
    code, out = 0, 0
    for i in range(max(bits)):
        for d in range(3):
            if i < bits[d]:
                code |= ((cell[d] >> i) & 1) << out
                out += 1
    return code


def write_sharded(folder, chunks, sharding):
    """chunks: {chunk_id: bytes}. sharded.md: identity hash; minishard = bits [0, minishard_bits)
    of the hashed id, shard = the next shard_bits bits; a shard file is the shard index (16 bytes
    per minishard: start and end of its minishard index, relative to the end of the shard index),
    then the chunks, then the minishard indices ([3][n] uint64le: delta-coded ids, offsets as
    deltas from the end of the previous chunk, sizes)."""
    assert sharding["hash"] == "identity"
    mb, sb, pre = sharding["minishard_bits"], sharding["shard_bits"], sharding["preshift_bits"]
    gz_data = sharding.get("data_encoding") == "gzip"
    gz_index = sharding.get("minishard_index_encoding") == "gzip"
    shards = {}
    for cid in sorted(chunks):
        h = cid >> pre
        minishard = h & ((1 << mb) - 1)
        shard = (h >> mb) & ((1 << sb) - 1)
        shards.setdefault(shard, {}).setdefault(minishard, []).append(cid)
    os.makedirs(folder, exist_ok=True)
    for shard, minishards in shards.items():
        data = bytearray()
        indices = {}
        for m in sorted(minishards):
            ids, starts, sizes = [], [], []
            prev_end = 0
            for cid in sorted(minishards[m]):
                body = chunks[cid]
                if gz_data:
                    body = gzip.compress(body, mtime=0)
                start = len(data)
                data += body
                ids.append(cid)
                starts.append(start - prev_end)
                sizes.append(len(body))
                prev_end = start + len(body)
            deltas = [ids[0]] + [ids[i] - ids[i - 1] for i in range(1, len(ids))]
            index = struct.pack("<%dQ" % (3 * len(ids)), *(deltas + starts + sizes))
            indices[m] = gzip.compress(index, mtime=0) if gz_index else index
        table = bytearray()
        index_bytes = bytearray()
        for m in range(1 << mb):
            if m in indices:
                start = len(data) + len(index_bytes)
                index_bytes += indices[m]
                table += struct.pack("<QQ", start, start + len(indices[m]))
            else:
                table += struct.pack("<QQ", 0, 0)
        digits = (sb + 3) // 4
        name = ("%0*x" % (digits, shard) if sb else "0") + ".shard"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(bytes(table) + bytes(data) + bytes(index_bytes))


def write_source(name, kind, annotations, properties, lower, upper, limit, seed, z_halves=1,
                 sharding=None, key_style="spatial{}", gzip_level=None, relationships=(),
                 empty_cell=False, boxes=(), by_id_sharding=None):
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    rng = random.Random(seed)
    levels = spatial_levels(annotations, lower, upper, limit, rng, z_halves)
    spatial = []
    for i, (grid, size, cells) in enumerate(levels):
        key = key_style.format(i)
        entry = {"key": key, "grid_shape": grid, "chunk_size": size, "limit": limit}
        level_dir = os.path.normpath(os.path.join(folder, key))
        if sharding and i in sharding:
            entry["sharding"] = sharding[i]
            chunks = {compressed_morton_code(c, grid): encode_list(v, properties)
                      for c, v in cells.items()}
            write_sharded(level_dir, chunks, sharding[i])
        else:
            os.makedirs(level_dir, exist_ok=True)
            for cell, items in cells.items():
                body = encode_list(items, properties)
                path = os.path.join(level_dir, "%d_%d_%d" % cell)
                if gzip_level is not None and i == gzip_level:
                    # Stored as NAME.gz: served with Content-Encoding: gzip.
                    with open(path + ".gz", "wb") as f:
                        f.write(gzip.compress(body, mtime=0))
                else:
                    with open(path, "wb") as f:
                        f.write(body)
            if empty_cell and i == len(levels) - 1:
                # A cell file with no annotations: just a zero count.
                free = [c for c in [(gx, gy, gz) for gz in range(grid[2]) for gy in range(grid[1])
                                    for gx in range(grid[0])] if c not in cells]
                if free:
                    with open(os.path.join(level_dir, "%d_%d_%d" % free[0]), "wb") as f:
                        f.write(struct.pack("<Q", 0))
        spatial.append(entry)
    info = {
        "@type": "neuroglancer_annotations_v1",
        "dimensions": {"x": [8, "nm"], "y": [8, "nm"], "z": [40, "nm"]},
        "lower_bound": lower,
        "upper_bound": upper,
        "annotation_type": kind,
        "properties": properties,
        "relationships": [{"id": r, "key": "rel_" + r} for r in relationships],
        "by_id": dict({"key": "by_id"}, **({"sharding": by_id_sharding} if by_id_sharding else {})),
        "spatial": spatial,
    }
    with open(os.path.join(folder, "info"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    if by_id_sharding:
        # Sharded uint64 index: the annotation id itself is the chunk id.
        write_sharded(os.path.join(folder, "by_id"),
                      {a["id"]: encode_single(a, properties, relationships) for a in annotations},
                      by_id_sharding)
    else:
        os.makedirs(os.path.join(folder, "by_id"))
        for a in annotations:
            with open(os.path.join(folder, "by_id", str(a["id"])), "wb") as f:
                f.write(encode_single(a, properties, relationships))
    for r in relationships:
        by_segment = {}
        for a in annotations:
            for s in a["related"].get(r, []):
                by_segment.setdefault(s, []).append(a)
        os.makedirs(os.path.join(folder, "rel_" + r))
        for s, items in by_segment.items():
            with open(os.path.join(folder, "rel_" + r, str(s)), "wb") as f:
                f.write(encode_list(items, properties))
    expected = {
        "annotations": [{"id": a["id"], "geometry": a["geometry"], "props": a["props"],
                         "segments": [s for r in relationships for s in a["related"].get(r, [])]}
                        for a in annotations],
        "levels": len(levels),
        "boxes": [{"lo": lo, "hi": hi,
                   "ids": sorted(a["id"] for a in annotations if meets_box(a, lo, hi))}
                  for lo, hi in boxes],
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def q(v):
    """A coordinate a float32 holds exactly (quarter units), so the ground truth is exact."""
    return round(v * 4) / 4


LOWER, UPPER = [0, 0, 0], [128, 128, 16]
BOXES = [
    ([0, 0, 0], [128, 128, 16]),     # everything
    ([10, 20, 2], [70, 90, 9]),      # a middle part
    ([64, 64, 8], [128, 128, 16]),   # one octant
    ([33.5, 0, 0], [34.5, 128, 16]), # a thin slab
]


def main():
    rng = random.Random(12)
    # Points with properties in an order that the stored order changes: float32 and uint16 come
    # before rgb and int8. By hand, for the first point: x, y, z float32 at bytes 0-11, `size`
    # float32 at 12-15, `rank` uint16 at 16-17, `color` r, g, b at 18-20, `kind` int8 at 21,
    # padding 22-23: 24 bytes per record. Checked by hand against points/by_id/1000 (the point
    # (60.75, 84.25, 10.75), color (73, 195, 5), size 9, kind 119, rank 35920, segments 30 and 45):
    #   00 00 73 42 | 00 80 a8 42 | 00 00 2c 41   x, y, z: float32le 0x42730000 = 60.75, ...
    #   00 00 10 41                               size: float32le 9.0 (4-byte types first)
    #   50 8c                                     rank: uint16le 35920 = 0x8c50
    #   49 c3 05 | 77 | 00 00                     color r, g, b; kind int8 119; padding to 24
    #   02 00 00 00 | 1e 00 .. 00 | 2d 00 .. 00   by_id only: uint32le count 2, uint64le 30, 45
    properties = [
        {"id": "color", "type": "rgb", "description": "colour"},
        {"id": "size", "type": "float32"},
        {"id": "kind", "type": "int8"},
        {"id": "rank", "type": "uint16"},
    ]
    points = []
    for i in range(60):
        points.append({
            "kind": "POINT", "id": 1000 + 7 * i,
            "geometry": [q(rng.uniform(0, 128)), q(rng.uniform(0, 128)), q(rng.uniform(0, 16))],
            "props": [[rng.randrange(256) for _ in range(3)], q(rng.uniform(1, 9)),
                      rng.randrange(-128, 128), rng.randrange(65536)],
            "related": {"segments": sorted(rng.sample(range(1, 50), rng.randrange(0, 3)))},
        })
    # A point exactly on a cell boundary and one with an id past 2^63.
    points.append({"kind": "POINT", "id": 2**64 - 2, "geometry": [64.0, 64.0, 8.0],
                   "props": [[1, 2, 3], 2.5, -1, 65535], "related": {"segments": [7]}})
    write_source("points", "POINT", points, properties, LOWER, UPPER, limit=4, seed=1,
                 relationships=["segments"], empty_cell=True, boxes=BOXES)
    # The same points, every spatial level sharded (raw and gzip indices and data).
    sharding = {
        0: {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity", "preshift_bits": 0,
            "minishard_bits": 0, "shard_bits": 0},
    }
    for level in range(1, 12):
        sharding[level] = {"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity",
                           "preshift_bits": 1, "minishard_bits": 2, "shard_bits": 1,
                           "minishard_index_encoding": "gzip" if level % 2 else "raw",
                           "data_encoding": "gzip" if level == 2 else "raw"}
    write_source("points_sharded", "POINT", points, properties, LOWER, UPPER, limit=4, seed=1,
                 sharding=sharding, relationships=["segments"], boxes=BOXES,
                 by_id_sharding={"@type": "neuroglancer_uint64_sharded_v1", "hash": "identity",
                                 "preshift_bits": 0, "minishard_bits": 2, "shard_bits": 1,
                                 "data_encoding": "gzip"})

    lines = []
    for i in range(30):
        a = [q(rng.uniform(0, 128)), q(rng.uniform(0, 128)), q(rng.uniform(0, 16))]
        b = [q(min(127.75, max(0, a[0] + rng.uniform(-40, 40)))),
             q(min(127.75, max(0, a[1] + rng.uniform(-40, 40)))),
             q(min(15.75, max(0, a[2] + rng.uniform(-4, 4))))]
        lines.append({"kind": "LINE", "id": i + 1, "geometry": a + b, "props": [i % 5],
                      "related": {}})
    # Keys with "." and ".." segments that stay inside the directory.
    write_source("lines", "LINE", lines, [{"id": "weight", "type": "uint8"}], LOWER, UPPER,
                 limit=3, seed=2, key_style="./levels/../spatial{}", boxes=BOXES)

    boxes = []
    for i in range(25):
        a = [q(rng.uniform(0, 120)), q(rng.uniform(0, 120)), q(rng.uniform(0, 14))]
        b = [q(a[0] + rng.uniform(1, 20)), q(a[1] + rng.uniform(1, 20)), q(a[2] + rng.uniform(0.5, 3))]
        b = [min(b[0], 128), min(b[1], 128), min(b[2], 16)]
        if i % 3 == 0:
            a, b = b, a  # corners in either order
        boxes.append({"kind": "AXIS_ALIGNED_BOUNDING_BOX", "id": 500 + i, "geometry": a + b,
                      "props": [[rng.randrange(256) for _ in range(4)], -i * 100],
                      "related": {}})
    # Level 1 stored gzip'd (NAME.gz).
    write_source("boxes", "AXIS_ALIGNED_BOUNDING_BOX", boxes,
                 [{"id": "tint", "type": "rgba"}, {"id": "score", "type": "int32"}], LOWER, UPPER,
                 limit=3, seed=3, gzip_level=1, boxes=BOXES)

    ellipsoids = []
    for i in range(25):
        c = [q(rng.uniform(0, 128)), q(rng.uniform(0, 128)), q(rng.uniform(0, 16))]
        r = [q(rng.uniform(0.5, 12)), q(rng.uniform(0.5, 12)), q(rng.uniform(0.25, 2))]
        ellipsoids.append({"kind": "ELLIPSOID", "id": 9000 + i, "geometry": c + r,
                           "props": [i - 12], "related": {}})
    write_source("ellipsoids", "ELLIPSOID", ellipsoids, [{"id": "depth", "type": "int16"}],
                 LOWER, UPPER, limit=2, seed=4, z_halves=0, boxes=BOXES)


if __name__ == "__main__":
    main()
