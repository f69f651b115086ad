#!/usr/bin/env python3
"""Write the viewer states of the Neuroglancer oracle cases: oracle/CASE.state.json, and cases.txt
(one line per case: NAME PANEL_W PANEL_H), which shoot.sh reads. Stdlib only; our own code.
Usage: python3 make_states.py [--only NAME,...]
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "precomputed://http://127.0.0.1:8765/data/"
IMG = PREFIX + "cloudvolume/image_raw"
JPG = PREFIX + "cloudvolume/image_jpeg"
SEG = PREFIX + "cloudvolume/seg_cseg"
MURMUR = PREFIX + "cloudvolume/seg_sharded_murmur"
HASH = PREFIX + "neuroglancer/volumes/hash_ids"
DIM_4_4_40 = {"x": [4e-9, "m"], "y": [4e-9, "m"], "z": [4e-8, "m"]}
DIM_8 = {"x": [8e-9, "m"], "y": [8e-9, "m"], "z": [8e-9, "m"]}

# ids of seg_cseg in the plane z = 40 (decoded from the chunks): small, 2^32 family, 2^40 family, top bit set
SEL = ["425", "4301025331", "15290722829320", "12969272256363814511"]


def image(src=IMG, name="img", **kw):
    d = {"type": "image", "source": src, "name": name}
    d.update(kw)
    return d


def seg(src=SEG, name="seg", **kw):
    d = {"type": "segmentation", "source": src, "name": name}
    d.update(kw)
    return d


def state(layers, position, scale=1, dims=DIM_4_4_40, layout="xy", **kw):
    s = {"dimensions": dims, "position": position, "crossSectionScale": scale, "layers": layers,
         "layout": layout, "showAxisLines": False, "showScaleBar": False, "showDefaultAnnotations": False}
    s.update(kw)
    return s


def quat(axis, deg):
    n = math.sqrt(sum(a * a for a in axis))
    s = math.sin(math.radians(deg) / 2)
    return [axis[0] / n * s, axis[1] / n * s, axis[2] / n * s, math.cos(math.radians(deg) / 2)]


P = [250, 171, 30]   # image voxel corner, plane 30
PS = [250, 171, 40]  # plane 40: the id-0 pocket of seg_cseg is in view (right edge, x 384..400, y 124..212)
S = (256, 192)       # small panel
CASES = [
    # --- image alone
    ("img_z1_corner", (512, 384), state([image()], P)),
    ("img_z1_center", (512, 384), state([image()], [250.5, 171.5, 30.5])),
    ("img_z1p4_mip1", S, state([image()], P, 1.4)),
    ("img_z2_mip1", S, state([image()], P, 2)),
    ("img_z3_mip2", S, state([image()], P, 3)),
    ("img_z8_whole", (512, 384), state([image()], P, 8)),
    ("img_z0p5_odd", (301, 257), state([image()], P, 0.5)),
    ("img_range", S, state([image(shaderControls={"normalized": {"range": [40, 200]}})], P)),
    ("img_range_inverted", S, state([image(shaderControls={"normalized": {"range": [200, 40]}})], P)),
    ("img_edge_topleft", S, state([image()], [110, 46, 30])),
    ("img_edge_bottomright", S, state([image()], [390, 296, 30])),
    ("img_z_epsilon", S, state([image()], [250, 171, 29.9995])),
    ("img_z_below", S, state([image()], [250, 171, 29.9985])),
    # --- segmentation alone
    ("seg_alone", (512, 384), state([seg()], PS)),
    ("seg_color_seed", S, state([seg(colorSeed=12345)], PS)),
    ("seg_selected_bg", S, state([seg(segments=SEL, selectedAlpha=0.7)], PS,
                                 crossSectionBackgroundColor="#203040")),
    ("seg_colors", S, state([seg(segmentColors={SEL[0]: "#ff0000", SEL[3]: "#00ff80"},
                                 segmentDefaultColor="#3060c0")], PS)),
    ("seg_saturation", S, state([seg(saturation=0.5)], PS)),
    ("seg_zero_shown", S, state([seg(hideSegmentZero=False)], [340, 171, 40])),
    ("seg_bang_all_hidden", S, state([seg(segments=["!" + SEL[0]])], PS)),
    ("seg_z4_mip1", S, state([seg()], PS, 4)),
    ("seg_murmur", S, state([seg(src=MURMUR)], P)),
    # --- image + segmentation
    ("img_seg_default", (512, 384), state([image(), seg()], PS)),
    ("img_seg_selected", S, state([image(), seg(segments=SEL, selectedAlpha=0.8, notSelectedAlpha=0.2)], PS)),
    ("img_seg_bang", S, state([image(), seg(segments=[SEL[0], SEL[3], "!" + SEL[1]], notSelectedAlpha=0.15)], PS)),
    ("img_seg_colors", S, state([image(), seg(segmentColors={SEL[0]: "#ff0000", SEL[3]: "#00ff80"},
                                                segmentDefaultColor="#3060c0", selectedAlpha=0.6)], PS)),
    ("img_seg_zero_shown", S, state([image(), seg(hideSegmentZero=False)], [340, 171, 40])),
    ("seg_then_img_opacity08", S, state([seg(), image(opacity=0.8)], PS)),
    ("img_opacity0_seg", S, state([image(opacity=0), seg(selectedAlpha=0.6)], PS)),
    ("img_hidden_seg", S, state([image(visible=False), seg()], PS)),
    ("seg_hidden_img", S, state([image(), seg(visible=False)], PS)),
    ("img_seg_unselected_bg", S, state([image(), seg(segments=SEL, notSelectedAlpha=0)], PS,
                                       crossSectionBackgroundColor="#203040")),
    ("img_seg_renderscale", S, state([image(crossSectionRenderScale=2), seg(crossSectionRenderScale=3)], PS)),
    ("img_seg_alpha_underflow", S, state([image(opacity=0), seg(selectedAlpha=0.03)], PS)),
    ("img_seg_z4_mip2", S, state([image(), seg()], PS, 4)),
    ("jpeg_seg", S, state([image(src=JPG), seg()], P)),
    # --- hash colours: 50 stripes of 8 voxels = 800 px at zoom 0.5 (2 px per voxel)
    ("hash_seed0", (800, 64), state([seg(src=HASH, colorSeed=0)], [200, 8, 0.5], 0.5, DIM_8)),
    ("hash_seed1", (800, 64), state([seg(src=HASH, colorSeed=1)], [200, 8, 0.5], 0.5, DIM_8)),
    ("hash_seed123456789", (800, 64), state([seg(src=HASH, colorSeed=123456789)], [200, 8, 0.5], 0.5, DIM_8)),
    ("hash_seed4294967295", (800, 64), state([seg(src=HASH, colorSeed=4294967295)], [200, 8, 0.5], 0.5, DIM_8)),
    # --- oblique and other layouts
    ("oblique_z30", S, state([image(), seg()], PS, crossSectionOrientation=quat([0, 0, 1], 30))),
    ("oblique_axis", S, state([image(), seg()], PS, crossSectionOrientation=quat([1, 2, 3], 20))),
    ("img_layout_xz", S, state([image()], P, layout="xz")),
    ("img_layout_yz", S, state([image()], P, layout="yz")),
]


def main():
    only = None
    if len(sys.argv) > 2 and sys.argv[1] == "--only":
        only = set(sys.argv[2].split(","))
    out = os.path.join(HERE, "oracle")
    os.makedirs(out, exist_ok=True)
    names = [c[0] for c in CASES]
    assert len(set(names)) == len(names)
    for name, _, st in CASES:
        if only and name not in only:
            continue
        with open(os.path.join(out, name + ".state.json"), "w") as f:
            json.dump(st, f, indent=1)
            f.write("\n")
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        for name, (w, h), _ in CASES:
            f.write("%s %d %d\n" % (name, w, h))


if __name__ == "__main__":
    main()
