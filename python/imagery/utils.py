"""ImageryClient's module functions on arrays: bounds, masks, colours.

Arrays are ``[x, y]`` / ``[x, y, z]`` as CloudVolume returns them; a picture of an array is its
transpose (rows are y).
"""

import numpy as np

__all__ = [
    "bounds_from_center",
    "segmentation_masks",
    "colors_to_uint8",
    "is_precomputed",
    "convert_to_array",
    "convert_to_rgba",
]


def bounds_from_center(ctr, width=1, height=1, depth=1):
    """Bounds ``[[x0, y0, z0], [x1, y1, z1]]`` of a box ``width x height x depth`` around ``ctr``.

    ``lo = ctr - size // 2`` and ``hi = lo + size``: an odd size puts the extra voxel on the high
    side (ctr 100, width 5 gives [98, 103)).
    """
    size = np.array([width, height, depth])
    lo = np.array(ctr) - size // 2
    return np.array([lo, lo + size])


def segmentation_masks(seg_img, include_null_root=False):
    """``{id: mask}`` for every id of a segmentation cutout, in ascending ``np.unique`` order of
    its dtype, each mask an int64 0/1 array of the cutout's shape; id 0 only with
    ``include_null_root``."""
    seg_img = np.asarray(seg_img)
    masks = {}
    for root_id in np.unique(seg_img):
        if root_id == 0 and not include_null_root:
            continue
        masks[root_id] = (seg_img == root_id).astype(int)
    return masks


def colors_to_uint8(clrs):
    """Colours with components in 0..1 to 0..255 integers, ``int(255 * c)`` per component (a
    truncation: 0.999 gives 254), as a list of ``[r, g, b]`` lists."""
    return [[int(255 * c) for c in clr[:3]] for clr in clrs]


def is_precomputed(path):
    """Whether a source path starts with ``precomputed://``."""
    return str(path).startswith("precomputed://")


def convert_to_array(img):
    """A Pillow image to an ``[x, y(, c)]`` array (transposed); arrays pass through."""
    if isinstance(img, np.ndarray):
        return img
    arr = np.asarray(img)
    return arr.T if arr.ndim == 2 else arr.transpose(1, 0, 2)


def convert_to_rgba(img):
    """An ``[x, y]`` array or a Pillow image to a Pillow RGBA image (arrays transposed)."""
    from PIL import Image

    if isinstance(img, np.ndarray):
        return Image.fromarray(img.T).convert("RGBA")
    return img.convert("RGBA")
