"""imagery: connectomics figures from Neuroglancer precomputed, graphene and OME-Zarr volumes,
with ImageryClient's API at native speed.

    import imagery
    client = imagery.ImageryClient(image_source=..., segmentation_source=...)
    img, seg = client.image_and_segmentation_cutout(bounds)
    picture = imagery.composite_overlay(seg, imagery=img, outline=True, width=3)

Beyond ImageryClient: ``imagery.figure``, ``imagery.layout``, ``imagery.render``,
``imagery.batch`` and ``imagery.open`` (CloudVolume-style volumes). Errors are
``imagery.errors`` classes, which subclass the built-in exceptions (FileNotFoundError,
PermissionError, ConnectionError, ValueError, MemoryError). See docs/python.md.
"""

from . import _native, errors
from ._client import ImageryClient, save_image_slices
from ._figure import FigureResult, RenderResult, batch, figure, layout, render
from ._volume import Volume, open  # noqa: A004 - imagery.open is the API
from .composite import composite_overlay, discrete_colors, stack_images
from .errors import ImageryError
from .utils import bounds_from_center, colors_to_uint8, segmentation_masks

__version__ = _native.__version__


def tune_allocator():
    """Keeps glibc from mapping and unmapping every large buffer (chunks, cutouts, pictures), as
    the imagery program does: buffers under 64 MB stay on the heap and up to 256 MB of free heap
    is kept. Faster for loops of cutouts and figures, but process-wide, so it is never done on
    import. Returns whether it could be set."""
    return _native.tune_allocator()


def clear_caches():
    """Forgets the bytes this process has fetched (chunks, shard indices): the next read fetches
    again, e.g. to see a source that changed, or to time a cold read."""
    _native.clear_caches()


__all__ = [
    "ImageryClient",
    "Volume",
    "open",
    "figure",
    "layout",
    "render",
    "batch",
    "FigureResult",
    "RenderResult",
    "composite_overlay",
    "stack_images",
    "discrete_colors",
    "bounds_from_center",
    "segmentation_masks",
    "colors_to_uint8",
    "save_image_slices",
    "errors",
    "ImageryError",
    "clear_caches",
    "tune_allocator",
]
