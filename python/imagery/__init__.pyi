# Type stubs of the package imagery (python/imagery/__init__.py): what notebooks complete.
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from typing import Any, Literal, Optional, Union

import numpy as np
import numpy.typing as npt

from . import errors as errors
from .errors import ImageryError as ImageryError

__version__: str

def clear_caches() -> None: ...
def tune_allocator() -> bool: ...

ArrayLike = npt.ArrayLike
Progress = Callable[[int, int, int], Any]
Timestamp = Union[None, float, int, str, datetime]
Picture = Any  # a PIL.Image.Image when Pillow is installed, else an (H, W, C) uint8 ndarray
RootIds = Union[Literal["all"], Sequence[int], npt.NDArray[np.integer], None]

class ImageryClient:
    def __init__(
        self,
        client: Any = None,
        resolution: Union[ArrayLike, Literal["image", "segmentation"], None] = None,
        segmentation: bool = True,
        imagery: bool = True,
        image_source: Optional[str] = None,
        segmentation_source: Optional[str] = None,
        image_mip: Optional[int] = None,
        segmentation_mip: Optional[int] = None,
        auth_token: Optional[str] = None,
        timestamp: Timestamp = None,
        datastack_name: Optional[str] = None,
        server_address: Optional[str] = None,
        progress: Optional[Progress] = None,
        max_memory: Optional[int] = None,
    ) -> None: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def timestamp(self) -> float: ...
    @property
    def resolution(self) -> npt.NDArray[Any]: ...
    @property
    def image_source(self) -> Optional[str]: ...
    @property
    def segmentation_source(self) -> Optional[str]: ...
    @property
    def base_imagery_mip(self) -> int: ...
    @property
    def base_segmentation_mip(self) -> int: ...
    @property
    def image_cv(self) -> Optional[Volume]: ...
    @property
    def segmentation_cv(self) -> Optional[Volume]: ...
    def image_bbox_size_from_dimensions(
        self, image_size: Sequence[int], mip: Optional[int] = None,
        resolution: Optional[ArrayLike] = None) -> npt.NDArray[np.float64]: ...
    def segmentation_bbox_size_from_dimensions(
        self, image_size: Sequence[int], mip: Optional[int] = None,
        resolution: Optional[ArrayLike] = None) -> npt.NDArray[np.float64]: ...
    def image_cutout(
        self, bounds: ArrayLike, bbox_size: Optional[Sequence[float]] = None,
        image_size: Optional[Sequence[int]] = None, mip: Optional[int] = None,
        resolution: Optional[ArrayLike] = None,
        scale_to_bounds: Optional[bool] = None) -> npt.NDArray[Any]: ...
    def segmentation_cutout(
        self, bounds: ArrayLike, root_ids: RootIds = "all",
        bbox_size: Optional[Sequence[float]] = None, image_size: Optional[Sequence[int]] = None,
        mip: Optional[int] = None, resolution: Optional[ArrayLike] = None,
        timestamp: Timestamp = None, scale_to_bounds: Optional[bool] = None,
        convert_to_int64: bool = True) -> npt.NDArray[Any]: ...
    def split_segmentation_cutout(
        self, bounds: ArrayLike, root_ids: RootIds = "all", include_null_root: bool = False,
        bbox_size: Optional[Sequence[float]] = None, image_size: Optional[Sequence[int]] = None,
        mip: Optional[int] = None, resolution: Optional[ArrayLike] = None,
        timestamp: Timestamp = None,
        scale_to_bounds: Optional[bool] = None) -> dict[Any, npt.NDArray[np.int64]]: ...
    def image_and_segmentation_cutout(
        self, bounds: ArrayLike, image_mip: Optional[int] = None,
        segmentation_mip: Optional[int] = None, root_ids: RootIds = "all", resize: bool = True,
        split_segmentations: bool = False, include_null_root: bool = False,
        bbox_size: Optional[Sequence[float]] = None, resolution: Optional[ArrayLike] = None,
        timestamp: Timestamp = None, scale_to_bounds: Optional[bool] = None,
        convert_to_int64: bool = True, image_size: Optional[Sequence[int]] = None,
    ) -> tuple[npt.NDArray[Any], Union[npt.NDArray[Any], dict[Any, npt.NDArray[np.int64]]]]: ...
    def save_imagery(self, filename_prefix: str, bounds: Optional[ArrayLike] = None,
                     mip: Optional[int] = None, precomputed_image: Optional[npt.NDArray[Any]] = None,
                     slice_axis: int = 2, bbox_size: Optional[Sequence[float]] = None,
                     image_size: Optional[Sequence[int]] = None,
                     resolution: Optional[ArrayLike] = None,
                     scale_to_bounds: Optional[bool] = None, verbose: bool = False,
                     **kwargs: Any) -> None: ...
    def save_segmentation_masks(self, filename_prefix: str, bounds: Optional[ArrayLike] = None,
                                mip: Optional[int] = None, root_ids: RootIds = "all",
                                precomputed_masks: Optional[Mapping[Any, npt.NDArray[Any]]] = None,
                                segmentation_colormap: Mapping[Any, Sequence[int]] = ...,
                                slice_axis: int = 2, include_null_root: bool = False,
                                bbox_size: Optional[Sequence[float]] = None,
                                image_size: Optional[Sequence[int]] = None,
                                resolution: Optional[ArrayLike] = None,
                                timestamp: Timestamp = None,
                                scale_to_bounds: Optional[bool] = None, verbose: bool = False,
                                **kwargs: Any) -> None: ...
    def save_image_and_segmentation_masks(
        self, filename_prefix: str, bounds: Optional[ArrayLike] = None,
        image_mip: Optional[int] = None, segmentation_mip: Optional[int] = None,
        root_ids: RootIds = "all", include_null_root: bool = False,
        segmentation_colormap: Mapping[Any, Sequence[int]] = ..., resize: bool = True,
        precomputed_data: Optional[tuple[Any, Any]] = None, slice_axis: int = 2,
        bbox_size: Optional[Sequence[float]] = None, resolution: Optional[ArrayLike] = None,
        timestamp: Timestamp = None, scale_to_bounds: Optional[bool] = None,
        **kwargs: Any) -> None: ...

class Volume:
    mip: int
    fill_missing: bool
    bounded: bool
    agglomerate: bool
    timestamp: Timestamp
    progress: Optional[Progress]
    max_memory: Optional[int]
    def __init__(self, url: str, mip: Optional[int] = None, fill_missing: bool = False,
                 bounded: bool = True, agglomerate: bool = False, timestamp: Timestamp = None,
                 progress: Optional[Progress] = None, auth_token: Optional[str] = None,
                 max_memory: Optional[int] = None) -> None: ...
    @property
    def url(self) -> str: ...
    @property
    def info(self) -> dict[str, Any]: ...
    @property
    def scales(self) -> list[dict[str, Any]]: ...
    @property
    def available_mips(self) -> list[int]: ...
    @property
    def dtype(self) -> np.dtype[Any]: ...
    @property
    def data_type(self) -> str: ...
    @property
    def num_channels(self) -> int: ...
    @property
    def layer_type(self) -> str: ...
    @property
    def driver(self) -> str: ...
    def mip_resolution(self, mip: int) -> npt.NDArray[Any]: ...
    def mip_voxel_offset(self, mip: int) -> npt.NDArray[np.int64]: ...
    def mip_volume_size(self, mip: int) -> npt.NDArray[np.int64]: ...
    def mip_key(self, mip: int) -> str: ...
    @property
    def resolution(self) -> npt.NDArray[Any]: ...
    @property
    def voxel_offset(self) -> npt.NDArray[np.int64]: ...
    @property
    def volume_size(self) -> npt.NDArray[np.int64]: ...
    @property
    def bounds(self) -> npt.NDArray[np.int64]: ...
    @property
    def shape(self) -> tuple[int, int, int, int]: ...
    def download(self, bbox: Any, mip: Optional[int] = None, agglomerate: Optional[bool] = None,
                 timestamp: Timestamp = None, segids: Optional[Iterable[int]] = None,
                 progress: Optional[Progress] = None, time_point: int = 0) -> npt.NDArray[Any]: ...
    def __getitem__(self, slices: Any) -> npt.NDArray[Any]: ...

def open(url: str, *, mip: Optional[int] = None, fill_missing: bool = False,
         bounded: bool = True, agglomerate: bool = False, timestamp: Timestamp = None,
         progress: Optional[Progress] = None, auth_token: Optional[str] = None,
         max_memory: Optional[int] = None) -> Volume: ...

class FigureResult:
    pictures: list[Picture]
    image: Optional[npt.NDArray[Any]]
    segmentation: Optional[npt.NDArray[Any]]
    files: Optional[dict[str, Any]]
    @property
    def picture(self) -> Optional[Picture]: ...

class RenderResult:
    picture: Picture
    values: npt.NDArray[Any]
    mip: int
    resolution: tuple[float, float, float]
    model: str

def figure(spec: Union[Mapping[str, Any], str, PathLike[str], None] = None,
           progress: Optional[Progress] = None, max_memory: Optional[int] = None,
           **kwargs: Any) -> FigureResult: ...
def layout(spec: Union[Mapping[str, Any], str, PathLike[str], None] = None,
           progress: Optional[Progress] = None, **kwargs: Any) -> dict[str, str]: ...
def render(source: str, bounds: Optional[ArrayLike] = None,
           center: Optional[Sequence[float]] = None, size: Optional[Sequence[float]] = None,
           units: str = "voxels", mip: Optional[int] = None,
           max_size: Union[int, Sequence[int], None] = None, pixel_size: Optional[float] = None,
           channels: Sequence[str] = (), layers: Sequence[str] = (), model: Optional[str] = None,
           window: Optional[str] = None, projection: Optional[str] = None,
           palette: Optional[str] = None, time_point: int = 0,
           progress: Optional[Progress] = None) -> RenderResult: ...
def batch(rows: Iterable[Mapping[str, Any]], defaults: Optional[Mapping[str, Any]] = None,
          jobs: int = 2, progress: Optional[Progress] = None) -> list[dict[str, Any]]: ...

def composite_overlay(segs: Any, colors: Any = None, alpha: float = 0.2,
                      imagery: Any = None, outline: bool = False, merge_outline: bool = True,
                      overlap: bool = True, width: int = 10, side: str = "out", dim: int = 2,
                      palette: str = "husl", h: float = 0.01, l: float = 0.65,
                      s: float = 1.0) -> Union[Picture, list[Picture]]: ...
def stack_images(images: Sequence[Any], direction: Literal["horizontal", "vertical"] = "horizontal",
                 spacing: int = 10) -> Picture: ...
def discrete_colors(segs: Any, palette: str = "husl", h: float = 0.01, l: float = 0.65,
                    s: float = 1.0) -> Union[list[tuple[float, float, float]],
                                             dict[Any, tuple[float, float, float]]]: ...
def bounds_from_center(ctr: ArrayLike, width: float = 1, height: float = 1,
                       depth: float = 1) -> npt.NDArray[Any]: ...
def segmentation_masks(seg_img: ArrayLike,
                       include_null_root: bool = False) -> dict[Any, npt.NDArray[np.int64]]: ...
def colors_to_uint8(clrs: Iterable[Sequence[float]]) -> list[list[int]]: ...
def save_image_slices(filename_prefix: str, filename_suffix: str, img: ArrayLike,
                      slice_axis: int, image_type: Literal["imagery", "mask"],
                      verbose: bool = False, color: Optional[Sequence[int]] = None,
                      **kwargs: Any) -> None: ...
