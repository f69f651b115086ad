"""imagery.ImageryClient on the demo volume (image 4 nm jpeg, segmentation 8 nm), with
ImageryClient's calls: shapes, dtypes and squeezing as ImageryClient returns them, and the same
voxels as imagery.open reads."""

import numpy as np
import pytest

import imagery
from imagery import ImageryClient

CENTER = [2272, 1840, 104]


@pytest.fixture(scope="module")
def client(demo_image, demo_segmentation):
    return ImageryClient(image_source=demo_image, segmentation_source=demo_segmentation)


def test_defaults_follow_imageryclient(client):
    assert client.resolution.tolist() == [4, 4, 40]  # the image's base mip
    assert client.base_imagery_mip == 0 and client.base_segmentation_mip == 0
    sized = client.image_bbox_size_from_dimensions((256, 256), mip=1)
    assert sized.tolist() == [512.0, 512.0, 1]


def test_an_image_cutout_is_the_volumes_voxels_squeezed(client, demo_image):
    bounds = [[2100, 1700, 104], [2400, 1900, 105]]
    img = client.image_cutout(bounds)
    assert img.shape == (300, 200) and img.dtype == np.uint8
    direct = imagery.open(demo_image).download(bounds)
    assert np.array_equal(img, direct[:, :, 0, 0])
    assert img.shape == (300, 200)  # x first, as CloudVolume and ImageryClient


def test_image_size_gives_exact_pixels_at_a_mip(client):
    img = client.image_cutout(CENTER, image_size=(255, 255), mip=1)
    assert img.shape == (255, 255)
    img3 = client.image_cutout(CENTER, bbox_size=(400, 300, 3))
    assert img3.shape == (400, 300, 3)


def test_segmentation_cutouts_are_int64_and_masked_by_root_ids(client, demo_segmentation):
    bounds = [[2100, 1700, 104], [2400, 1900, 106]]
    seg = client.segmentation_cutout(bounds)
    assert seg.dtype == np.int64 and seg.shape == (150, 100, 2)  # at 8 nm: half the extent
    raw = imagery.open(demo_segmentation).download([[1050, 850, 104], [1200, 950, 106]])
    assert np.array_equal(seg, raw[..., 0].view(np.int64))
    ids = [i for i in np.unique(seg) if i != 0][:2]
    only = client.segmentation_cutout(bounds, root_ids=ids)
    assert set(np.unique(only)) == set(ids) | {0}
    assert client.segmentation_cutout(bounds, convert_to_int64=False).dtype == np.uint64
    with pytest.raises(ValueError):
        client.segmentation_cutout(bounds, root_ids="some")


def test_split_cutouts_give_one_mask_per_id(client):
    bounds = [[2100, 1700, 104], [2400, 1900, 105]]
    seg = client.segmentation_cutout(bounds)
    masks = client.split_segmentation_cutout(bounds)
    assert sorted(masks) == [i for i in np.unique(seg) if i != 0]
    for root_id, mask in masks.items():
        assert np.array_equal(mask, (seg == root_id).astype(int))


def test_aligned_cutouts_put_the_segmentation_on_the_image_grid(client):
    bounds = [[2100, 1700, 104], [2400, 1900, 105]]
    img, seg = client.image_and_segmentation_cutout(bounds)
    assert img.shape == seg.shape == (300, 200)
    coarse = client.segmentation_cutout(bounds)
    assert np.array_equal(seg[::2, ::2], coarse)  # 8 nm voxels doubled onto 4 nm
    assert np.array_equal(seg[1::2, 1::2], coarse)
    img2, masks = client.image_and_segmentation_cutout(bounds, split_segmentations=True)
    assert np.array_equal(img2, img)
    assert sorted(masks) == [i for i in np.unique(seg) if i != 0]
    img3, seg3 = client.image_and_segmentation_cutout(bounds, resize=False)
    assert img3.shape == (300, 200) and seg3.shape == (150, 100)


def test_disabled_sources_return_empty_arrays(demo_image, demo_segmentation):
    c = ImageryClient(image_source=demo_image, segmentation_source=demo_segmentation,
                      segmentation=False)
    assert c.segmentation_cutout([[2100, 1700, 104], [2200, 1800, 105]]).size == 0
    assert c.segmentation_cv is None


def test_a_composite_from_client_cutouts(client, output_dir):
    img, seg = client.image_and_segmentation_cutout(
        CENTER, bbox_size=(512, 448), split_segmentations=False)
    picture = imagery.composite_overlay(seg, imagery=img, outline=True, width=3, alpha=0.8)
    assert picture.size == (512, 448) and picture.mode == "RGBA"
    picture.save(output_dir / "client_composite.png")
