"""ImageryClient's composite module, drawn natively: ``composite_overlay``, ``stack_images`` and
``discrete_colors``, pixel for pixel as ImageryClient 1.0.3 (with Pillow's integer alpha
compositing and scipy's 4-connected outlines).

Pictures are Pillow images when Pillow is installed (as ImageryClient returns them), otherwise
numpy arrays ``(height, width, channels)`` uint8.
"""

import numpy as np

from . import _native
from .errors import InvalidArgumentError

__all__ = [
    "DEFAULT_PALETTE",
    "DEFAULT_H",
    "DEFAULT_L",
    "DEFAULT_S",
    "composite_overlay",
    "stack_images",
    "discrete_colors",
]

DEFAULT_PALETTE = "husl"
DEFAULT_H = 0.01
DEFAULT_L = 0.65
DEFAULT_S = 1.0

try:
    from PIL import Image as _PILImage
except ImportError:  # Pillow is optional: pictures are numpy arrays then
    _PILImage = None


def _picture(arr):
    """A native picture (H, W, C) as a Pillow image when Pillow is there."""
    if _PILImage is None:
        return arr
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[arr.shape[2]]
    return _PILImage.fromarray(arr[:, :, 0] if mode == "L" else arr, mode)


def _as_picture_array(img):
    """A Pillow image or an ``[x, y]`` array as an (H, W, 4) uint8 array (arrays transposed, as
    ImageryClient's convert_to_rgba does)."""
    if isinstance(img, np.ndarray):
        if img.ndim != 2:
            raise InvalidArgumentError("images: an array must be [x, y]")
        grey = _grey8(img).T
        rgba = np.empty(grey.shape + (4,), np.uint8)
        rgba[..., :3] = grey[..., None]
        rgba[..., 3] = 255
        return rgba
    return np.asarray(img.convert("RGBA"))


def _grey8(img):
    """Imagery as Pillow shows it: uint8 passes, other types are clipped to 0..255 (floats
    truncated toward zero), as ImageryClient's Image.fromarray(...).convert('RGBA') does."""
    img = np.asarray(img)
    if img.dtype == np.uint8:
        return img
    if img.dtype.kind == "f":
        return np.nan_to_num(np.clip(np.trunc(img.astype(np.float32)), 0, 255)).astype(np.uint8)
    return np.clip(img, 0, 255).astype(np.uint8)


def _color_bytes(color):
    """One colour as ImageryClient's colors_to_uint8 makes it: int(255 * c) per component."""
    c = list(color)
    if len(c) < 3:
        raise InvalidArgumentError("colors: a colour needs r, g, b components")
    return [int(255 * float(v)) for v in c[:3]]


def discrete_colors(segs, palette=DEFAULT_PALETTE, h=DEFAULT_H, l=DEFAULT_L, s=DEFAULT_S):
    """One float RGB colour per object of ``segs`` (by rank): a list, or a dict keyed like
    ``segs`` when it is a dict. ``palette``: 'husl' and 'hls' take h, l, s; seaborn's and
    matplotlib's qualitative palettes (tab10, Set1, ...) cycle past their length."""
    n = len(segs)
    colors = [tuple(c) for c in _native.discrete_colors(palette, n, h, l, s)]
    if isinstance(segs, dict):
        return dict(zip(segs.keys(), colors))
    return colors


def _imagery_array(imagery):
    if imagery is None:
        return None
    if isinstance(imagery, np.ndarray):
        return imagery
    mode = getattr(imagery, "mode", None)
    if mode in ("L", "1", "I", "F"):
        return np.asarray(imagery.convert("L")).T
    raise InvalidArgumentError(
        "imagery: give an [x, y] array or a greyscale Pillow image, got a %s image" % mode
    )


def composite_overlay(
    segs,
    colors=None,
    alpha=0.2,
    imagery=None,
    outline=False,
    merge_outline=True,
    overlap=True,
    width=10,
    side="out",
    dim=2,
    palette=DEFAULT_PALETTE,
    h=DEFAULT_H,
    l=DEFAULT_L,
    s=DEFAULT_S,
):
    """Objects of a segmentation drawn over imagery, as ImageryClient's composite_overlay.

    segs: a segmentation array ``[x, y]`` or ``[x, y, z]`` (objects in ascending id order), or a
        dict ``{id: mask}`` / list of masks (objects in that order; masks must not overlap).
    colors: None (the palette by rank), a list by rank, or a dict by id, components 0..1.
    alpha: the objects' opacity; outline / width / side ('out' or 'in') / merge_outline /
        overlap: outlines as ImageryClient draws them.
    imagery: an ``[x, y(, z)]`` array of the segmentation's shape or a greyscale Pillow image.
    dim: the slicing axis of 3-D input (one picture per slice, a list).

    Returns an RGBA picture (Pillow image, or numpy array without Pillow); a list for 3-D input.
    """
    by_rank = None
    by_id = None
    if isinstance(segs, np.ndarray):
        labels = segs
        if isinstance(colors, dict):
            by_id = [(int(k) % (1 << 64), _color_bytes(c)) for k, c in colors.items()]
        elif colors is not None:
            by_rank = [_color_bytes(c) for c in colors]
    else:
        if isinstance(segs, dict):
            keys = list(segs.keys())
            masks = [np.asarray(segs[k]) for k in keys]
        else:
            masks = [np.asarray(m) for m in segs]
            keys = list(range(len(masks)))
        if not masks:
            raise InvalidArgumentError("segs: no masks given")
        if colors is None:
            colors = discrete_colors(keys, palette, h, l, s)
            colors = dict(zip(keys, colors))
        if isinstance(colors, dict):
            chosen = [colors[k] for k in keys]  # KeyError for a missing id, as ImageryClient
        else:
            chosen = list(colors)[: len(masks)]
            masks = masks[: len(chosen)]
        # The masks become one picture of ranks (1 + index), drawn with a colour per rank.
        labels = np.zeros(masks[0].shape, np.uint32, order="F")
        covered = np.zeros(masks[0].shape, np.uint8)
        for i, m in enumerate(masks):
            on = m > 0
            covered += on
            labels[on] = i + 1
        if covered.max(initial=0) > 1:
            raise InvalidArgumentError(
                "segs: masks overlap; give a segmentation array or masks that do not overlap"
            )
        by_id = [(i + 1, _color_bytes(c)) for i, c in enumerate(chosen)]
    three_d = labels.ndim == 3
    img = _imagery_array(imagery)
    if img is not None and img.ndim == 2 and three_d:
        raise InvalidArgumentError("imagery: a 2-D image for 3-D segs")
    pictures = _native.composite_overlay(
        labels,
        img,
        alpha=alpha,
        outline=bool(outline),
        merge_outline=bool(merge_outline),
        overlap=bool(overlap),
        width=int(width),
        side=side,
        dim=dim,
        palette=palette,
        h=h,
        l=l,
        s=s,
        colors_by_rank=by_rank,
        colors_by_id=by_id,
        three_d=three_d,
    )
    pictures = [_picture(p) for p in pictures]
    return pictures if three_d else pictures[0]


def stack_images(images, direction="horizontal", spacing=10):
    """Pictures side by side ('horizontal', top aligned) or one above the other ('vertical', left
    aligned) on a white RGB canvas, ``spacing`` pixels apart; alpha is dropped, not blended.
    Arrays ``[x, y]`` are shown transposed, as ImageryClient does."""
    arrays = [_as_picture_array(img) for img in images]
    return _picture(_native.stack_images(arrays, direction, int(spacing)))
