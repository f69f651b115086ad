#!/usr/bin/env python3
"""Write hash_ids/: a tiny precomputed segmentation for Neuroglancer's hash colours.

uint64, raw encoding, 1 channel, one mip at [8, 8, 8] nm, size [400, 16, 1], voxel_offset [0, 0, 0],
one chunk [400, 16, 1]. 50 vertical stripes, each 8 voxels wide (x in [8k, 8k+8)), stripe k holding IDS[k].
Chunk file: hash_ids/8_8_8/0-400_0-16_0-1, little-endian uint64, x fastest, then y, then z (not gzipped).
Also writes hash_ids/ids.txt, the 50 ids in stripe order (decimal). Stdlib only; deterministic.
Usage: python3 make_hash_ids.py [OUTDIR]   (default: hash_ids next to this script)
"""
import json
import os
import random
import struct
import sys

STRIPES, STRIPE_W, SIZE_Y, SIZE_Z = 50, 8, 16, 1


def make_ids():
    ids = [1, 2, 3, 4, 5, 7, 255, 256, 65535, 65536,                     # small
           2**32 - 2, 2**32 - 1, 2**32, 2**32 + 1, 2**32 + 7919,         # around 2^32
           2**40, 2**40 + 1, 2**40 | 12345, 2**48 + 3, 2**53 + 1, 2**56 - 1,  # above 2^40
           2**63, 2**63 + 1, 2**63 + 2**32, 2**63 + 12345678901, 2**64 - 2, 2**64 - 1]  # top bit set
    rng = random.Random(20261201)
    while len(ids) < STRIPES:                                            # random 64-bit ids
        v = rng.getrandbits(64)
        if v not in ids and v != 0:
            ids.append(v)
    assert len(set(ids)) == STRIPES and all(0 < v < 2**64 for v in ids)
    return ids


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "hash_ids")
    ids = make_ids()
    size = [STRIPES * STRIPE_W, SIZE_Y, SIZE_Z]
    info = {
        "@type": "neuroglancer_multiscale_volume",
        "type": "segmentation",
        "data_type": "uint64",
        "num_channels": 1,
        "scales": [{
            "key": "8_8_8",
            "encoding": "raw",
            "resolution": [8, 8, 8],
            "voxel_offset": [0, 0, 0],
            "size": size,
            "chunk_sizes": [size],
        }],
    }
    os.makedirs(os.path.join(out, "8_8_8"), exist_ok=True)
    with open(os.path.join(out, "info"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    row = b"".join(struct.pack("<Q", ids[x // STRIPE_W]) for x in range(size[0]))
    with open(os.path.join(out, "8_8_8", "0-%d_0-%d_0-%d" % tuple(size)), "wb") as f:
        f.write(row * (size[1] * size[2]))
    with open(os.path.join(out, "ids.txt"), "w") as f:
        f.write("".join("%d\n" % v for v in ids))


if __name__ == "__main__":
    main()
