"""Graphene through the fake CAVE (the fake-cave program on 127.0.0.1 serving examples/graphene):
a datastack by name, root ids at a timestamp (before and after the merge and the split of the
example's edit history), listed roots through their leaves, supervoxels with root_ids=None."""

import numpy as np
import pytest

import imagery

# Segment A's and B's region in the datastack's 4 nm coordinates (examples/graphene/README.md).
BOUNDS = [[2300, 1740, 104], [2440, 1910, 105]]
A, B = 360287970189639726, 360287970189639736
M, X, Y = 360287970189639738, 360287970189639739, 360287970189639740
BEFORE_MERGE = 1704067200 + 3600  # T0 + 1 h
AFTER_SPLIT = "2024-07-01T00:00:00Z"


@pytest.fixture(scope="module")
def client(fake_cave):
    return imagery.ImageryClient(datastack_name="imagery_demo", server_address=fake_cave.url,
                                 auth_token=fake_cave.TOKEN)


def test_the_datastack_gives_sources_and_resolution(client, fake_cave):
    assert client.segmentation_source.startswith("graphene://" + fake_cave.url)
    assert client.resolution.tolist() == [4, 4, 40]


def test_root_ids_follow_the_timestamp(client):
    before = set(np.unique(client.segmentation_cutout(BOUNDS, timestamp=BEFORE_MERGE)).tolist())
    assert {A, B} <= before and M not in before
    merged = set(np.unique(client.segmentation_cutout(BOUNDS, timestamp="2024-04-01T00:00:00Z")))
    assert M in merged and A not in merged and B not in merged
    after = set(np.unique(client.segmentation_cutout(BOUNDS, timestamp=AFTER_SPLIT)).tolist())
    assert {X, Y} <= after and M not in after


def test_a_client_timestamp_is_the_default(fake_cave):
    c = imagery.ImageryClient(datastack_name="imagery_demo", server_address=fake_cave.url,
                              auth_token=fake_cave.TOKEN, timestamp=BEFORE_MERGE)
    assert A in set(np.unique(c.segmentation_cutout(BOUNDS)).tolist())


def test_listed_roots_keep_only_their_voxels(client):
    everything = client.segmentation_cutout(BOUNDS, timestamp=AFTER_SPLIT)
    only_x = client.segmentation_cutout(BOUNDS, root_ids=[X])
    assert set(np.unique(only_x).tolist()) == {0, X}
    assert np.array_equal(only_x == X, everything == X)


def test_no_root_ids_gives_supervoxels(client):
    sv = client.segmentation_cutout(BOUNDS, root_ids=None)
    layers = {int(v) >> 56 for v in np.unique(sv) if v != 0}
    assert layers == {1}  # layer-1 ids: supervoxels


def test_aligned_cutouts_and_a_composite_from_graphene(client, output_dir):
    img, seg = client.image_and_segmentation_cutout(BOUNDS, timestamp=AFTER_SPLIT)
    assert img.shape == seg.shape == (140, 170)
    picture = imagery.composite_overlay(seg, imagery=img, alpha=0.5)
    picture.save(output_dir / "graphene_after_split.png")


def test_a_wrong_token_is_permission_error(fake_cave):
    try:
        with pytest.raises(PermissionError):
            c = imagery.ImageryClient(datastack_name="imagery_demo", server_address=fake_cave.url,
                                      auth_token="0123456789abcdef0123456789abcdef")
            c.segmentation_cutout(BOUNDS)
    finally:
        # Tokens are granted per origin for the whole process: give the right one back.
        imagery._native.grant_token(fake_cave.url, fake_cave.TOKEN)
