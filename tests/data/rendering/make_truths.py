#!/usr/bin/python3
"""Writes the rendering tests' inputs and NumPy's answers for them (run with Debian's python3,
which has NumPy): projections, histograms, percentile windows and the colour model. Arrays are
(X, Y, Z, C) in Fortran order, as imagery and CloudVolume hold them."""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261202)


def save(name, a):
    np.save(os.path.join(here, name), np.asfortranarray(a))


inputs = {
    "u8": rng.integers(0, 256, size=(9, 7, 5, 2), dtype=np.uint8),
    "i16": rng.integers(-30000, 30000, size=(9, 7, 5, 1), dtype=np.int16),
    "f32": rng.normal(0.0, 1.0, size=(9, 7, 5, 1)).astype(np.float32),
}
sum_types = {"u8": np.uint64, "i16": np.int64, "f32": np.float64}
for name, a in inputs.items():
    save(name + ".npy", a)
    save(name + "_max.npy", a.max(axis=2, keepdims=True))
    save(name + "_min.npy", a.min(axis=2, keepdims=True))
    save(name + "_mean.npy", a.mean(axis=2, keepdims=True, dtype=np.float64).astype(np.float32))
    save(name + "_sum.npy", a.sum(axis=2, keepdims=True, dtype=sum_types[name]))

truths = {"histograms": [], "percentiles": []}
for name, channel, bins, rng_ in [("u8", 0, 10, None), ("u8", 1, 256, None), ("u8", 1, 3, None),
                                   ("i16", 0, 7, None), ("f32", 0, 13, None),
                                   ("f32", 0, 5, (-1.0, 1.0))]:
    values = inputs[name][..., channel].ravel(order="F").astype(np.float64)
    counts, edges = np.histogram(values, bins=bins, range=rng_)
    truths["histograms"].append({"input": name, "channel": channel, "bins": bins,
                                 "range": list(rng_) if rng_ else None,
                                 "counts": counts.tolist(), "edges": edges.tolist()})
for name, channel, q in [("f32", 0, (0.5, 99.5)), ("i16", 0, (2, 98)), ("u8", 1, (0.5, 99.5)),
                         ("u8", 0, (10, 90))]:
    values = inputs[name][..., channel].ravel(order="F").astype(np.float64)
    lo, hi = np.percentile(values, q)
    truths["percentiles"].append({"input": name, "channel": channel, "q": list(q),
                                  "low": float(lo), "high": float(hi)})

# The colour model: two uint16 channels, the second inverted, added in two colours.
u16 = rng.integers(0, 65536, size=(11, 8, 1, 2), dtype=np.uint16)
save("u16.npy", u16)
windows = [(1000.0, 40000.0), (500.0, 60000.0)]
colours = [np.array([255, 0, 0]) / 255.0, np.array([0, 255, 128]) / 255.0]
f0 = np.clip((u16[..., 0].astype(np.float64) - windows[0][0]) / (windows[0][1] - windows[0][0]),
             0, 1)
f1 = 1 - np.clip((u16[..., 1].astype(np.float64) - windows[1][0]) /
                 (windows[1][1] - windows[1][0]), 0, 1)
rgb = np.stack([np.round(255 * np.clip(f0 * colours[0][k] + f1 * colours[1][k], 0, 1))
                for k in range(3)], axis=-1).astype(np.uint8)
save("u16_color.npy", rgb)
truths["color"] = {"windows": windows, "colors": ["#ff0000", "#00ff80"], "invert": [False, True]}

with open(os.path.join(here, "truths.json"), "w") as f:
    json.dump(truths, f, indent=1)
