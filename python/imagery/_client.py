"""``imagery.ImageryClient``: ImageryClient 1.0.3's class with its names, arguments, defaults,
return shapes and dtypes, reading and aligning natively.

Where it differs from ImageryClient on purpose (docs/python.md): the base mip skips every scale
whose key contains "placeholder" (not only a key equal to it); images and segmentations of
different resolutions are aligned by the physical nearest rule (each voxel takes the source voxel
holding its centre) instead of scipy's corner-aligned zoom, which is the same for the usual whole
ratios on aligned boxes; scale_to_bounds uses the same rule.
"""

import functools

import numpy as np

from . import _native
from ._common import PerProcess, id_pattern, unix_seconds
from .errors import InvalidArgumentError
from .utils import segmentation_masks

__all__ = ["ImageryClient"]


def _open_native(url, token):
    return _native.open_volume(url, token or "")


class ImageryClient:
    """An image source and a segmentation source in one coordinate space.

    client: a CAVEclient (its token, datastack sources and viewer resolution are used for what is
        not given), or use ``datastack_name`` (and ``server_address``) to ask the CAVE info service.
    resolution: nm per coordinate unit: a triple, 'image' (default: the image's base mip) or
        'segmentation'.
    segmentation / imagery: False disables that source (its cutouts return ``np.array([])``).
    image_source / segmentation_source: CloudVolume paths (precomputed://, graphene://, https://,
        gs://, s3://, file paths, OME-Zarr).
    image_mip / segmentation_mip: base mips (default: the first that is not a placeholder).
    auth_token: the CAVE / storage token, sent only to the sources' own hosts.
    timestamp: graphene root ids as of this time ('now' is fixed at construction); None: latest.
    progress: fn(done, total, bytes) called as chunks arrive. max_memory: bytes one cutout may
        take (ResourceExhaustedError beyond).
    """

    def __init__(
        self,
        client=None,
        resolution=None,
        segmentation=True,
        imagery=True,
        image_source=None,
        segmentation_source=None,
        image_mip=None,
        segmentation_mip=None,
        auth_token=None,
        timestamp=None,
        datastack_name=None,
        server_address=None,
        progress=None,
        max_memory=None,
    ):
        self._client = client
        self._use_segmentation = segmentation
        self._use_imagery = imagery
        self._auth_token = auth_token
        self._progress = progress
        self._max_memory = max_memory
        if timestamp == "now":
            timestamp = unix_seconds("now")
        self._timestamp = timestamp
        if client is not None:
            if self._auth_token is None:
                self._auth_token = client.auth.token
            if image_source is None:
                image_source = client.info.image_source()
            if segmentation_source is None:
                segmentation_source = client.info.segmentation_source()
            if resolution is None:
                resolution = client.info.viewer_resolution()
        elif datastack_name is not None:
            if self._auth_token:
                _native.grant_token(server_address or "https://global.daf-apis.com", self._auth_token)
            d = _native.resolve_datastack(datastack_name, server_address or "")
            if image_source is None:
                image_source = d["image_source"] or None
            if segmentation_source is None:
                segmentation_source = d["segmentation_source"] or None
            if resolution is None and d["viewer_resolution"] is not None:
                resolution = d["viewer_resolution"]
        self._image_source = image_source
        self._segmentation_source = segmentation_source
        self._image = None
        self._segmentation = None
        if imagery and image_source is not None:
            self._image = PerProcess(functools.partial(_open_native, image_source, self._auth_token))
        if segmentation and segmentation_source is not None:
            self._segmentation = PerProcess(
                functools.partial(_open_native, segmentation_source, self._auth_token)
            )
        self._base_imagery_mip = -1
        self._base_segmentation_mip = -1
        if self._image is not None:
            v = self._image.get()
            self._base_imagery_mip = v.default_mip if image_mip is None else int(image_mip)
        if self._segmentation is not None:
            v = self._segmentation.get()
            self._base_segmentation_mip = (
                v.default_mip if segmentation_mip is None else int(segmentation_mip)
            )
        self._configure_resolution(resolution)
        self._native = PerProcess(self._make_native)

    def _make_native(self):
        return _native.NativeClient(
            self._image.get() if self._image is not None else None,
            self._segmentation.get() if self._segmentation is not None else None,
            max(self._base_imagery_mip, 0),
            max(self._base_segmentation_mip, 0),
            max_bytes=self._max_memory,
        )

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_client"] = None  # a CAVEclient need not pickle; its values are already taken
        return state

    def _configure_resolution(self, resolution):
        if resolution is None:
            resolution = "image"
        if isinstance(resolution, str):
            if resolution == "image" and self._image is None:
                resolution = "segmentation"
            if resolution == "image":
                resolution = self._mip_resolution(self._image, self._base_imagery_mip)
            elif resolution == "segmentation":
                if self._segmentation is None:
                    raise InvalidArgumentError("resolution: the client has no segmentation source")
                resolution = self._mip_resolution(self._segmentation, self._base_segmentation_mip)
            else:
                raise InvalidArgumentError(
                    "resolution: expected a triple, 'image' or 'segmentation', got %r" % resolution
                )
        self._resolution = np.array(resolution)
        if self._resolution.shape != (3,):
            raise InvalidArgumentError("resolution: expected three numbers")

    @staticmethod
    def _mip_resolution(volume, mip):
        scales = volume.get().scales
        if not 0 <= mip < len(scales):
            raise InvalidArgumentError(
                "mip: %s has mips 0 to %d, got %d" % (volume.get().url, len(scales) - 1, mip)
            )
        return np.array(scales[mip]["resolution"])

    # Properties, as ImageryClient has them.
    @property
    def token(self):
        return self._auth_token

    @property
    def timestamp(self):
        return self._timestamp if self._timestamp is not None else unix_seconds("now")

    @property
    def resolution(self):
        return self._resolution

    @property
    def image_source(self):
        return self._image_source

    @property
    def segmentation_source(self):
        return self._segmentation_source

    @property
    def base_imagery_mip(self):
        return self._base_imagery_mip

    @property
    def base_segmentation_mip(self):
        return self._base_segmentation_mip

    @property
    def image_cv(self):
        """The image source as an :class:`imagery.Volume` (CloudVolume's reading API)."""
        if self._image is None:
            return None
        from ._volume import Volume

        return Volume(self._image_source, mip=self._base_imagery_mip, fill_missing=True,
                      bounded=False, auth_token=self._auth_token)

    @property
    def segmentation_cv(self):
        """The segmentation source as an :class:`imagery.Volume`."""
        if self._segmentation is None:
            return None
        from ._volume import Volume

        return Volume(self._segmentation_source, mip=self._base_segmentation_mip,
                      fill_missing=True, bounded=False, auth_token=self._auth_token)

    # Sizes.
    def image_bbox_size_from_dimensions(self, image_size, mip=None, resolution=None):
        """The bbox_size (coordinate units) whose image cutout at ``mip`` is ``image_size``."""
        if mip is None:
            mip = self._base_imagery_mip
        return self._size_from_dimensions(image_size, self._image, mip, resolution)

    def segmentation_bbox_size_from_dimensions(self, image_size, mip=None, resolution=None):
        """The bbox_size whose segmentation cutout at ``mip`` is ``image_size``."""
        if mip is None:
            mip = self._base_segmentation_mip
        return self._size_from_dimensions(image_size, self._segmentation, mip, resolution)

    def _size_from_dimensions(self, image_size, volume, mip, resolution):
        if volume is None:
            raise InvalidArgumentError("this client has no such source")
        res = self._resolution if resolution is None else np.asarray(resolution)
        mip_res = self._mip_resolution(volume, mip)
        size = list(image_size)
        if len(size) not in (2, 3):
            raise InvalidArgumentError("image_size: expected (w, h) or (w, h, d)")
        depth = int(size[2]) * mip_res[2] / res[2] if len(size) == 3 else 1
        return np.array(
            [int(size[0]) * mip_res[0] / res[0], int(size[1]) * mip_res[1] / res[1], depth or 1]
        )

    # Regions as the native client takes them.
    @staticmethod
    def _region(bounds, bbox_size, image_size, which):
        if image_size is not None and bbox_size is not None:
            raise InvalidArgumentError("give image_size or bbox_size, not both")
        b = np.atleast_2d(np.asarray(bounds, dtype=float))
        if image_size is not None:
            size = [int(v) for v in image_size]
            if len(size) == 2:
                size.append(1)
            return (which + "_pixels", list(b[0]), size)
        if bbox_size is not None:
            size = [float(v) for v in bbox_size]
            if len(size) == 2:
                size.append(0.0)  # a 2-D bbox_size is one section deep
            return ("centered", list(b[0]), size)
        if b.shape != (2, 3):
            raise InvalidArgumentError(
                "bounds: expected [[x0, y0, z0], [x1, y1, z1]] (or a centre with bbox_size or "
                "image_size), got shape %s" % (b.shape,)
            )
        return ("corners", list(b[0]), list(b[1]))

    def _resolution_of(self, resolution):
        return [float(v) for v in (self._resolution if resolution is None else resolution)]

    @staticmethod
    def _labels(root_ids):
        """(mapped, ids) for ImageryClient's root_ids: 'all', a list, or None (supervoxels)."""
        if isinstance(root_ids, str):
            if root_ids != "all":
                raise InvalidArgumentError(
                    "root_ids: expected 'all', a list of ids or None, got %r" % root_ids
                )
            return True, None
        if root_ids is None:
            return False, None
        return True, [id_pattern(r) for r in np.atleast_1d(root_ids)]

    # Cutouts.
    def image_cutout(
        self, bounds, bbox_size=None, image_size=None, mip=None, resolution=None,
        scale_to_bounds=None,
    ):
        """Imagery of ``bounds`` (``[[x0, y0, z0], [x1, y1, z1]]``, or a centre with bbox_size or
        image_size) as an ``[x, y]`` (one section) or ``[x, y, z]`` array, squeezed as
        ImageryClient does. scale_to_bounds=True resamples to one voxel per coordinate unit."""
        if self._image is None:
            return np.array([])
        if mip is None:
            mip = self._base_imagery_mip
        elif scale_to_bounds is None:
            scale_to_bounds = False
        region = self._region(bounds, bbox_size, image_size, "image")
        arr = self._native.get().image_cutout(
            region, int(mip), self._resolution_of(resolution), bool(scale_to_bounds),
            progress=self._progress,
        )
        return np.squeeze(arr)

    def segmentation_cutout(
        self, bounds, root_ids="all", bbox_size=None, image_size=None, mip=None, resolution=None,
        timestamp=None, scale_to_bounds=None, convert_to_int64=True,
    ):
        """Segmentation of ``bounds``, squeezed. root_ids: 'all' (graphene: root ids at
        ``timestamp``), a list (only those objects, others 0) or None (supervoxels, unmasked).
        convert_to_int64: int64 ids as ImageryClient returns them (ids >= 2**63 wrap negative)."""
        if self._segmentation is None:
            return np.array([])
        if mip is None:
            mip = self._base_segmentation_mip
        elif scale_to_bounds is None:
            scale_to_bounds = False
        if timestamp is None:
            timestamp = self._timestamp
        mapped, ids = self._labels(root_ids)
        region = self._region(bounds, bbox_size, image_size, "segmentation")
        arr = self._native.get().segmentation_cutout(
            region, ids, mapped, int(mip), self._resolution_of(resolution),
            unix_seconds(timestamp), bool(scale_to_bounds), progress=self._progress,
        )
        return self._as_ids(np.squeeze(arr), convert_to_int64)

    @staticmethod
    def _as_ids(arr, convert_to_int64):
        if not convert_to_int64:
            return arr
        if arr.dtype == np.uint64:
            return arr.view(np.int64)  # the same wrap as astype, without a copy
        return arr.astype(np.int64)

    def split_segmentation_cutout(
        self, bounds, root_ids="all", include_null_root=False, bbox_size=None, image_size=None,
        mip=None, resolution=None, timestamp=None, scale_to_bounds=None,
    ):
        """The segmentation cutout as ``{id: mask}`` (int64 0/1 masks, ascending ids)."""
        seg = self.segmentation_cutout(
            bounds, root_ids=root_ids, bbox_size=bbox_size, image_size=image_size, mip=mip,
            resolution=resolution, timestamp=timestamp, scale_to_bounds=scale_to_bounds,
        )
        return segmentation_masks(seg, include_null_root)

    def image_and_segmentation_cutout(
        self, bounds, image_mip=None, segmentation_mip=None, root_ids="all", resize=True,
        split_segmentations=False, include_null_root=False, bbox_size=None, resolution=None,
        timestamp=None, scale_to_bounds=None, convert_to_int64=True, image_size=None,
    ):
        """Imagery and segmentation of one region, ``(img, seg)``; with ``resize`` the
        segmentation is put onto the image grid (both arrays of one shape). With
        ``split_segmentations`` seg is ``{id: mask}``. image_size (beyond ImageryClient): the
        image's exact pixel count at image_mip, around the centre ``bounds``."""
        if image_mip is None:
            image_mip = self._base_imagery_mip
        if segmentation_mip is None:
            segmentation_mip = self._base_segmentation_mip
        if timestamp is None:
            timestamp = self._timestamp
        if not resize or self._image is None or self._segmentation is None:
            img = self.image_cutout(
                bounds, bbox_size=bbox_size, image_size=image_size, mip=image_mip,
                resolution=resolution, scale_to_bounds=scale_to_bounds,
            )
            seg = self.segmentation_cutout(
                bounds, root_ids=root_ids, bbox_size=bbox_size, mip=segmentation_mip,
                resolution=resolution, timestamp=timestamp, scale_to_bounds=scale_to_bounds,
                convert_to_int64=convert_to_int64,
            ) if image_size is None else self.segmentation_cutout(
                bounds, root_ids=root_ids, image_size=image_size, mip=segmentation_mip,
                resolution=resolution, timestamp=timestamp, scale_to_bounds=scale_to_bounds,
                convert_to_int64=convert_to_int64,
            )
        else:
            mapped, ids = self._labels(root_ids)
            region = self._region(bounds, bbox_size, image_size, "image")
            img, seg = self._native.get().image_and_segmentation_cutout(
                region, ids, mapped, int(image_mip), int(segmentation_mip),
                self._resolution_of(resolution), unix_seconds(timestamp),
                progress=self._progress,
            )
            img = np.squeeze(img)
            seg = self._as_ids(np.squeeze(seg), convert_to_int64)
        if split_segmentations:
            if isinstance(seg, np.ndarray) and seg.size:
                seg = segmentation_masks(seg, include_null_root)
            else:
                seg = {}
        return img, seg

    # Saving, as ImageryClient writes its PNG files.
    def save_imagery(
        self, filename_prefix, bounds=None, mip=None, precomputed_image=None, slice_axis=2,
        bbox_size=None, image_size=None, resolution=None, scale_to_bounds=None, verbose=False,
        **kwargs,
    ):
        """Writes ``{prefix}_imagery.png`` (or one ``{prefix}_slice_{i}_imagery.png`` per
        section)."""
        if precomputed_image is None:
            precomputed_image = self.image_cutout(
                bounds, bbox_size=bbox_size, image_size=image_size, mip=mip,
                resolution=resolution, scale_to_bounds=scale_to_bounds,
            )
        save_image_slices(filename_prefix, "imagery", precomputed_image, slice_axis, "imagery",
                          verbose=verbose, **kwargs)

    def save_segmentation_masks(
        self, filename_prefix, bounds=None, mip=None, root_ids="all", precomputed_masks=None,
        segmentation_colormap={}, slice_axis=2, include_null_root=False, bbox_size=None,  # noqa: B006
        image_size=None, resolution=None, timestamp=None, scale_to_bounds=None, verbose=False,
        **kwargs,
    ):
        """Writes ``{prefix}_root_id_{id}.png`` per object (coloured by segmentation_colormap,
        white otherwise)."""
        if precomputed_masks is None:
            precomputed_masks = self.split_segmentation_cutout(
                bounds, root_ids=root_ids, include_null_root=include_null_root,
                bbox_size=bbox_size, image_size=image_size, mip=mip, resolution=resolution,
                timestamp=timestamp, scale_to_bounds=scale_to_bounds,
            )
        for root_id, mask in precomputed_masks.items():
            save_image_slices(filename_prefix, "root_id_%s" % root_id, mask, slice_axis, "mask",
                              verbose=verbose, color=segmentation_colormap.get(root_id), **kwargs)

    def save_image_and_segmentation_masks(
        self, filename_prefix, bounds=None, image_mip=None, segmentation_mip=None,
        root_ids="all", include_null_root=False, segmentation_colormap={}, resize=True,  # noqa: B006
        precomputed_data=None, slice_axis=2, bbox_size=None, resolution=None, timestamp=None,
        scale_to_bounds=None, **kwargs,
    ):
        """save_imagery and save_segmentation_masks of one aligned cutout."""
        if precomputed_data is None:
            precomputed_data = self.image_and_segmentation_cutout(
                bounds, image_mip=image_mip, segmentation_mip=segmentation_mip,
                root_ids=root_ids, resize=resize, split_segmentations=True,
                include_null_root=include_null_root, bbox_size=bbox_size, resolution=resolution,
                timestamp=timestamp, scale_to_bounds=scale_to_bounds,
            )
        img, masks = precomputed_data
        self.save_imagery(filename_prefix, precomputed_image=img, slice_axis=slice_axis, **kwargs)
        self.save_segmentation_masks(
            filename_prefix, precomputed_masks=masks, segmentation_colormap=segmentation_colormap,
            slice_axis=slice_axis, **kwargs,
        )


def save_image_slices(filename_prefix, filename_suffix, img, slice_axis, image_type,
                      verbose=False, color=None, **kwargs):
    """ImageryClient's save_image_slices: one PNG per section along ``slice_axis`` (arrays are
    ``[x, y(, z)]``; pictures their transpose). image_type 'imagery' (cast to uint8, grey RGB) or
    'mask' (``mask * color``, RGBA, white by default)."""
    from PIL import Image

    img = np.asarray(img)
    slices = [img] if img.ndim == 2 else [np.take(img, i, axis=slice_axis)
                                          for i in range(img.shape[slice_axis])]
    for i, piece in enumerate(slices):
        name = ("%s_%s.png" % (filename_prefix, filename_suffix) if len(slices) == 1 else
                "%s_slice_%d_%s.png" % (filename_prefix, i, filename_suffix))
        if image_type == "imagery":
            grey = piece.astype(np.uint8).T
            out = np.repeat(grey[:, :, None], 3, axis=2)
        else:
            c = [255, 255, 255, 255] if color is None else list(color)
            if len(c) == 3:
                c = c + [255]
            out = (piece.astype(np.uint8).T[:, :, None] * np.array(c, dtype=np.uint8))
            out = out.astype(np.uint8)
        if verbose:
            print("Saving %s..." % name)
        Image.fromarray(out).save(name, **kwargs)
