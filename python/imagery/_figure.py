"""Beyond ImageryClient: figures (``imagery.figure/1`` specs), layouts (``imagery.layout/1``),
OMERO-style renders and batches, as the CLI's ``figure``, ``layout``, ``render`` and ``batch``
make them, in-process."""

import concurrent.futures
import json
import os

import numpy as np

from . import _native
from .composite import _picture
from .errors import InvalidArgumentError

__all__ = ["figure", "layout", "render", "batch", "FigureResult", "RenderResult"]


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _spec(spec, kwargs, what):
    """A spec given as a dict, a JSON text or a JSON file, with keyword arguments over it."""
    if spec is None:
        doc = {}
    elif isinstance(spec, dict):
        doc = dict(spec)
    elif isinstance(spec, (str, os.PathLike)):
        text = os.fspath(spec)
        if text.lstrip().startswith("{"):
            doc = json.loads(text)
        else:
            with open(text, encoding="utf-8") as f:
                doc = json.load(f)
    else:
        raise InvalidArgumentError("%s: expected a dict, a JSON text or a JSON file" % what)
    doc.update(kwargs)
    return json.dumps(_jsonable(doc))


class FigureResult:
    """A figure: ``pictures`` (Pillow images, or numpy arrays without Pillow), ``image`` and
    ``segmentation`` (the arrays drawn, ``[x, y, z, c]``) when drawn in memory, ``files``
    (``pictures``, ``arrays``, ``sidecar`` paths) when written. Notebooks show the first
    picture."""

    def __init__(self, pictures=None, image=None, segmentation=None, files=None):
        self.pictures = pictures or []
        self.image = image
        self.segmentation = segmentation
        self.files = files

    @property
    def picture(self):
        return self.pictures[0] if self.pictures else None

    def _repr_png_(self):
        p = self.picture
        if p is None or not hasattr(p, "save"):
            return None
        import io

        buf = io.BytesIO()
        p.save(buf, format="PNG")
        return buf.getvalue()

    def __repr__(self):
        if self.files is not None:
            return "FigureResult(files=%r)" % (self.files,)
        return "FigureResult(%d picture(s))" % len(self.pictures)


def figure(spec=None, progress=None, max_memory=None, **kwargs):
    """A figure from an ``imagery.figure/1`` spec (a dict, JSON text or file; keyword arguments
    add or override keys: ``image``, ``seg``, ``center``, ``image_size``, ``outline``,
    ``scale_bar``, ``output``, ...; docs/figures.md lists them).

    With ``output`` the files (picture by extension: PNG, TIFF, SVG, PDF, and the sidecar) are
    written and listed in ``files``; without, the pictures are drawn in memory."""
    text = _spec(spec, kwargs, "figure")
    doc = json.loads(text)
    if doc.get("output"):
        files = _native.make_figure(text, progress=progress, max_bytes=max_memory)
        return FigureResult(files=files)
    out = _native.render_figure(text, progress=progress, max_bytes=max_memory)
    return FigureResult(
        pictures=[_picture(p) for p in out["pictures"]],
        image=out["image"],
        segmentation=out["segmentation"],
    )


def layout(spec=None, progress=None, **kwargs):
    """A multi-panel figure from an ``imagery.layout/1`` spec (``panels``, ``defaults``,
    ``columns``, ``output``, ...); returns ``{"picture": path, "sidecar": path}``."""
    text = _spec(spec, kwargs, "layout")
    if not json.loads(text).get("output"):
        raise InvalidArgumentError("layout: 'output' (the picture's path) is required")
    return _native.make_layout(text, progress=progress)


class RenderResult:
    """A render: ``picture`` (grey or RGB), ``values`` (the volume's values as drawn,
    ``[w, h, 1, c]``), ``mip``, ``resolution`` (nm per voxel read), ``model``."""

    def __init__(self, native):
        self.picture = _picture(native["picture"])
        self.values = native["values"]
        self.mip = native["mip"]
        self.resolution = native["resolution"]
        self.model = native["model"]

    def _repr_png_(self):
        if not hasattr(self.picture, "save"):
            return None
        import io

        buf = io.BytesIO()
        self.picture.save(buf, format="PNG")
        return buf.getvalue()


def render(source, bounds=None, center=None, size=None, units="voxels", mip=None,
           max_size=None, pixel_size=None, channels=(), layers=(), model=None, window=None,
           projection=None, palette=None, time_point=0, progress=None):
    """A volume rendered as an image server does (``imagery render``): the region (``bounds``
    or ``center`` + ``size``, in ``units`` voxels, nm, um or fraction), the level (``mip``,
    ``max_size`` or ``pixel_size``), ``channels`` ("I[:window=LO,HI][:color=C][:invert]"),
    ``model`` (greyscale or color), ``window`` (auto, MIN,MAX, p:LO,HI, minmax, full),
    ``projection`` (max, min, mean, sum), ``layers``."""
    if bounds is not None:
        b = np.asarray(bounds, dtype=float).reshape(-1)
        bounds = [float(v) for v in b]
    if max_size is not None:
        max_size = [int(v) for v in np.atleast_1d(max_size)]
    out = _native.render(
        source,
        bounds=bounds,
        center=None if center is None else [float(v) for v in center],
        size=None if size is None else [float(v) for v in size],
        units=units,
        mip=mip,
        max_size=max_size,
        pixel_size=pixel_size,
        channels=list(channels),
        layers=list(layers),
        model=model or "",
        window=window or "",
        projection=projection or "",
        palette=palette or "",
        time_point=int(time_point),
        progress=progress,
    )
    return RenderResult(out)


def batch(rows, defaults=None, jobs=2, progress=None):
    """Many figures (``imagery batch``): each row a spec (dict) over ``defaults``, each with its
    ``output``; ``jobs`` rows at a time (the native work runs without the GIL). Returns one
    entry per row, in order: ``{"files": ...}`` or ``{"error": exception}``; a failing row does
    not stop the others."""
    defaults = dict(defaults or {})

    def one(row):
        spec = dict(defaults)
        spec.update(row)
        if not spec.get("output"):
            raise InvalidArgumentError("batch: every row needs an 'output'")
        return figure(spec, progress=progress).files

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = [pool.submit(one, row) for row in rows]
        for f in futures:
            try:
                results.append({"files": f.result()})
            except Exception as e:  # noqa: BLE001 - reported per row, as imagery batch does
                results.append({"error": e})
    return results
