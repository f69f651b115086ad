"""ImageryClient's README walk-through, done with `import imagery as ic` against the demo volume
(examples/demo_volume: EM-like imagery at 4 nm, a segmentation at 8 nm). Every call is the one
ImageryClient 1.0.3 takes; only the import line and the sources differ. Pictures go to OUT_DIR.

    PYTHONPATH=build/python python3 examples/python/walkthrough.py OUT_DIR
"""

import pathlib
import sys

import numpy as np
from PIL import Image

import imagery as ic

HERE = pathlib.Path(__file__).resolve().parent
DEMO = HERE.parent / "demo_volume"


def main(out):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)

    # A client over an image source and a segmentation source (any CloudVolume path works:
    # precomputed://gs://..., precomputed://https://..., graphene://https://...).
    img_client = ic.ImageryClient(
        image_source="precomputed://file://%s" % (DEMO / "image"),
        segmentation_source="precomputed://file://%s" % (DEMO / "segmentation"),
    )

    # Bounds around a point, in the image's mip-0 voxels (what Neuroglancer shows).
    ctr = [2272, 1840, 106]
    image_size = 400
    bounds = ic.bounds_from_center(ctr, width=image_size, height=image_size, depth=1)

    # Imagery: an [x, y] array; its picture is the transpose.
    image = img_client.image_cutout(bounds)
    Image.fromarray(image.T).save(out / "img_base.png")

    # The same bounds at a coarser mip give fewer pixels; an image_size gives exactly that many.
    Image.fromarray(img_client.image_cutout(bounds, mip=2).T).save(out / "scaled_mip_2.png")
    exact = img_client.image_cutout(ctr, image_size=(120, 120), mip=2)
    Image.fromarray(exact.T).save(out / "exact_mip_2.png")

    # Segmentation on the segmentation's own grid (8 nm: half the pixels), as greys.
    seg = img_client.segmentation_cutout(bounds)
    Image.fromarray((seg.T / np.max(seg) * 255).astype("uint8")).save(out / "seg_base.png")

    # Only some objects (here the two largest): every other voxel reads 0.
    ids, counts = np.unique(seg[seg != 0], return_counts=True)
    root_ids = [int(i) for i in ids[np.argsort(counts)[-2:]]]
    seg = img_client.segmentation_cutout(bounds, root_ids=root_ids)
    Image.fromarray((seg.T / np.max(seg) * 255).astype("uint8")).save(out / "seg_specific.png")

    # One mask per object.
    split_seg = img_client.split_segmentation_cutout(bounds, root_ids=root_ids)
    Image.fromarray((split_seg[root_ids[0]].T * 255).astype("uint8")).save(out / "seg_single.png")

    # Imagery and segmentation aligned on the image grid, in one call.
    image, segs = img_client.image_and_segmentation_cutout(
        bounds, split_segmentations=True, root_ids=root_ids
    )

    # Overlays.
    ic.composite_overlay(segs, imagery=image).save(out / "seg_overlay_0.png")
    ic.composite_overlay(segs, imagery=image, palette="tab10", alpha=0.4).save(
        out / "seg_overlay_1.png")
    colors = {root_ids[0]: (0, 1, 1), root_ids[1]: (1, 0, 0)}  # cyan, red
    ic.composite_overlay(segs, imagery=image, colors=colors).save(out / "seg_overlay_2.png")
    ic.composite_overlay(segs, imagery=image, outline=True, alpha=0.5, width=15,
                         colors=colors).save(out / "seg_outline_0.png")
    ic.composite_overlay(segs, imagery=image, outline=True, alpha=1, width=3,
                         merge_outline=False, side="in", colors=colors).save(
        out / "seg_outline_1.png")

    # 3-D stacks: one picture per section, then stacked side by side.
    bounds_3d = ic.bounds_from_center([2272, 1840, 104], width=200, height=200, depth=3)
    image, segs = img_client.image_and_segmentation_cutout(bounds_3d, split_segmentations=True)
    overlays = ic.composite_overlay(segs, imagery=image, alpha=0.3, width=3,
                                    merge_outline=False, side="in")
    overlays[0].save(out / "seg_series_0.png")
    ic.stack_images(overlays).save(out / "seg_series_full.png")

    # Beyond ImageryClient: a finished figure (scale bar, panel letter) straight to a file.
    ic.figure(image=str(DEMO / "image"), seg=str(DEMO / "segmentation"), center=ctr,
              image_size=[400, 400], outline=True, width=2, alpha=1, no_merge_outline=True,
              scale_bar="auto", label="a", output=str(out / "figure.png"))
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: walkthrough.py OUT_DIR")
    for path in sorted(main(sys.argv[1]).glob("*.png")):
        print("wrote", path)
