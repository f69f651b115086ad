"""``imagery.open(url)``: a volume with CloudVolume's way of reading it (``download(bbox, mip=)``,
``vol[x0:x1, y0:y1, z0:z1]``, ``info``), read natively."""

import functools
import json

import numpy as np

from . import _native
from ._common import PerProcess, id_pattern, unix_seconds
from .errors import InvalidArgumentError, NotFoundError

__all__ = ["Volume", "open"]


def _open_native(url, token):
    return _native.open_volume(url, token or "")


class Volume:
    """A Neuroglancer precomputed, graphene or OME-Zarr volume.

    Arrays come back as CloudVolume returns them: shape ``(x, y, z, channels)``, Fortran order,
    dtype of the volume; the numpy array owns the C++ buffer (no copy).

    mip: the scale read by default (None: the first usable one, skipping placeholders).
    fill_missing: missing chunks read as 0 (else NotFoundError). bounded: a box reaching outside
    the volume raises (else the outside reads as 0). agglomerate / timestamp: a graphene
    segmentation's supervoxels mapped to root ids at that time. progress: fn(done, total, bytes)
    called as chunks arrive (from worker threads, with the GIL).
    """

    def __init__(
        self,
        url,
        mip=None,
        fill_missing=False,
        bounded=True,
        agglomerate=False,
        timestamp=None,
        progress=None,
        auth_token=None,
        max_memory=None,
    ):
        self._url = url
        self._native = PerProcess(functools.partial(_open_native, url, auth_token))
        native = self._native.get()
        self.mip = native.default_mip if mip is None else int(mip)
        if not 0 <= self.mip < len(native.scales):
            raise InvalidArgumentError(
                "mip: %s has mips 0 to %d, got %d" % (url, len(native.scales) - 1, self.mip)
            )
        self.fill_missing = fill_missing
        self.bounded = bounded
        self.agglomerate = agglomerate
        self.timestamp = timestamp
        self.progress = progress
        self.max_memory = max_memory

    # What the volume is.
    @property
    def url(self):
        return self._url

    @property
    def info(self):
        """The format's own metadata document (a precomputed ``info``) as a dict."""
        return json.loads(self._native.get().info_json())

    @property
    def scales(self):
        """Per mip: key, resolution, voxel_offset, size, chunk_size, encoding, ..."""
        return self._native.get().scales

    @property
    def available_mips(self):
        return list(range(len(self.scales)))

    @property
    def dtype(self):
        return self._native.get().dtype

    @property
    def data_type(self):
        return str(self.dtype)

    @property
    def num_channels(self):
        return self._native.get().channels

    @property
    def layer_type(self):
        return self._native.get().layer_type

    @property
    def driver(self):
        return self._native.get().driver

    def mip_resolution(self, mip):
        return np.array(self.scales[mip]["resolution"])

    def mip_voxel_offset(self, mip):
        return np.array(self.scales[mip]["voxel_offset"])

    def mip_volume_size(self, mip):
        return np.array(self.scales[mip]["size"])

    def mip_key(self, mip):
        return self.scales[mip]["key"]

    @property
    def resolution(self):
        return self.mip_resolution(self.mip)

    @property
    def voxel_offset(self):
        return self.mip_voxel_offset(self.mip)

    @property
    def volume_size(self):
        return self.mip_volume_size(self.mip)

    @property
    def bounds(self):
        """``[[x0, y0, z0], [x1, y1, z1]]`` of the current mip."""
        lo = self.voxel_offset
        return np.array([lo, lo + self.volume_size])

    @property
    def shape(self):
        return tuple(int(v) for v in self.volume_size) + (self.num_channels,)

    def __repr__(self):
        return "imagery.Volume(%r, mip=%d)" % (self._url, self.mip)

    # Reading.
    def download(
        self,
        bbox,
        mip=None,
        agglomerate=None,
        timestamp=None,
        segids=None,
        progress=None,
        time_point=0,
    ):
        """The voxels of ``bbox`` (``[[x0, y0, z0], [x1, y1, z1]]``, six numbers, a tuple of
        slices, or an object with ``minpt``/``maxpt``) at ``mip`` as an ``(x, y, z, c)`` array.

        segids: keep only these ids (others read 0); on graphene, root ids found through their
        leaves. agglomerate/timestamp: graphene root ids at that time (default: the volume's)."""
        mip = self.mip if mip is None else int(mip)
        if not 0 <= mip < len(self.scales):
            raise NotFoundError(
                "%s has no mip %d (mips 0 to %d)" % (self._url, mip, len(self.scales) - 1)
            )
        lo, hi = self._box(bbox, mip)
        agglomerate = self.agglomerate if agglomerate is None else agglomerate
        timestamp = self.timestamp if timestamp is None else timestamp
        mapped = bool(agglomerate) or segids is not None
        arr = self._native.get().read(
            lo,
            hi,
            mip,
            fill_missing=self.fill_missing,
            bounded=self.bounded,
            mapped=mapped,
            timestamp=unix_seconds(timestamp),
            mapped_ids=None if segids is None else [id_pattern(i) for i in segids],
            progress=progress if progress is not None else self.progress,
            max_bytes=self.max_memory,
            time_point=int(time_point),
        )
        if segids is not None and not self._native.get().has_label_mapping:
            # Precomputed: CloudVolume's mask_except, every other id becomes 0.
            keep = np.asarray([int(i) for i in segids], dtype=np.int64).astype(arr.dtype)
            arr[~np.isin(arr, keep)] = 0
        return arr

    def __getitem__(self, slices):
        return self.download(slices)

    def _box(self, bbox, mip):
        scale = self.scales[mip]
        offset = np.array(scale["voxel_offset"])
        end = offset + np.array(scale["size"])
        if isinstance(bbox, tuple) and any(isinstance(s, (slice, int, np.integer)) for s in bbox):
            if len(bbox) > 4:
                raise InvalidArgumentError("slices: at most x, y, z (and channel)")
            lo, hi = offset.copy(), end.copy()
            for axis, s in enumerate(bbox[:3]):
                if isinstance(s, slice):
                    if s.step not in (None, 1):
                        raise InvalidArgumentError("slices: steps are not supported")
                    if s.start is not None:
                        lo[axis] = s.start
                    if s.stop is not None:
                        hi[axis] = s.stop
                else:
                    lo[axis], hi[axis] = int(s), int(s) + 1
            return [int(v) for v in lo], [int(v) for v in hi]
        if hasattr(bbox, "minpt") and hasattr(bbox, "maxpt"):
            lo, hi = np.asarray(bbox.minpt), np.asarray(bbox.maxpt)
        else:
            b = np.asarray(bbox)
            if b.shape == (2, 3):
                lo, hi = b[0], b[1]
            elif b.shape == (6,):
                lo, hi = b[:3], b[3:]
            else:
                raise InvalidArgumentError(
                    "bbox: expected [[x0, y0, z0], [x1, y1, z1]], six numbers or slices, got shape %s"
                    % (b.shape,)
                )
        # CloudVolume truncates float boxes.
        return [int(v) for v in lo], [int(v) for v in hi]


def open(url, **kwargs):  # noqa: A001 - the name is the API (imagery.open)
    """Opens a volume: ``imagery.open("precomputed://https://host/em")``. Keyword arguments as
    :class:`Volume`."""
    return Volume(url, **kwargs)
