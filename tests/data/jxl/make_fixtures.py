#!/usr/bin/env python3
"""Writes the jxl test chunks of tests/precomputed/codec_jxl_test.cpp with cjxl (Debian
libjxl-tools), lossless, from chunks whose voxels are given by formulas (the test computes the
same formulas). Each chunk is 20 x 12 x 3 voxels laid out as CloudVolume does: a picture 20
pixels wide and 12 * 3 = 36 high, rows in x-fastest voxel order.

  grey8.jxl    uint8, 1 channel: v(x, y, z) = (7x + 13y + 29z) % 256            (from a PGM)
  grey16.jxl   uint16, 1 channel: v = (1031x + 257y + 4099z) % 65536             (16-bit PGM)
  rgb8.jxl     uint8, 3 channels in one colour frame: v(x, y, z, c) = (7x + 13y + 29z + 85c) % 256
  frames8.jxl  the same 3 channels as three grey frames (CloudVolume's layout)   (from an APNG)

Usage: tests/data/jxl/make_fixtures.py  (rewrites the .jxl files beside it)
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

W, Y, Z = 20, 12, 3
H = Y * Z
HERE = os.path.dirname(os.path.abspath(__file__))


def grey8(x, y, z):
    return (7 * x + 13 * y + 29 * z) % 256


def grey16(x, y, z):
    return (1031 * x + 257 * y + 4099 * z) % 65536


def colour(x, y, z, c):
    return (7 * x + 13 * y + 29 * z + 85 * c) % 256


def rows():
    """(x, y, z) of each pixel, row by row: row r is y = r % Y, z = r // Y."""
    for r in range(H):
        yield [(x, r % Y, r // Y) for x in range(W)]


def pnm(path, magic, maxval, samples):
    with open(path, "wb") as f:
        f.write(b"%s\n%d %d\n%d\n" % (magic, W, H, maxval))
        f.write(samples)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def apng(path, frames):
    """A grey APNG of `frames` (each a bytes of W*H samples), one tenth of a second each."""
    out = [b"\x89PNG\r\n\x1a\n", png_chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 0, 0, 0, 0)),
           png_chunk(b"acTL", struct.pack(">II", len(frames), 0))]
    seq = 0
    for i, frame in enumerate(frames):
        out.append(png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, W, H, 0, 0, 1, 10, 0, 0)))
        seq += 1
        data = zlib.compress(b"".join(b"\0" + frame[r * W:(r + 1) * W] for r in range(H)))
        if i == 0:
            out.append(png_chunk(b"IDAT", data))
        else:
            out.append(png_chunk(b"fdAT", struct.pack(">I", seq) + data))
            seq += 1
    out.append(png_chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def cjxl(src, name):
    dst = os.path.join(HERE, name)
    subprocess.run(["cjxl", src, dst, "-d", "0", "-e", "3", "--quiet"], check=True)
    print("wrote", dst, os.path.getsize(dst), "bytes")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "grey8.pgm")
        pnm(p, b"P5", 255, bytes(grey8(*v) for row in rows() for v in row))
        cjxl(p, "grey8.jxl")
        p = os.path.join(tmp, "grey16.pgm")
        pnm(p, b"P5", 65535, b"".join(struct.pack(">H", grey16(*v)) for row in rows() for v in row))
        cjxl(p, "grey16.jxl")
        p = os.path.join(tmp, "rgb8.ppm")
        pnm(p, b"P6", 255, bytes(colour(*v, c) for row in rows() for v in row for c in range(3)))
        cjxl(p, "rgb8.jxl")
        p = os.path.join(tmp, "frames8.png")
        apng(p, [bytes(colour(*v, c) for row in rows() for v in row) for c in range(3)])
        cjxl(p, "frames8.jxl")


if __name__ == "__main__":
    sys.exit(main())
