"""imagery in several processes and threads: a forked child has its own native context (the
parent's worker threads do not exist there) and reads correctly, with objects made before the
fork; spawned workers get pickled clients; threads call one client at once; and 1,000 calls
leave the resident memory flat (arrays are freed with their last reference)."""

import concurrent.futures
import multiprocessing
import os

import numpy as np

import imagery

BOUNDS = [[2100, 1700, 104], [2400, 1900, 105]]


def _cutout_sum(client):
    img, seg = client.image_and_segmentation_cutout(BOUNDS)
    return int(img.astype(np.int64).sum()), int(seg.sum()), imagery._native.context_address()


def _child_reads(args):
    client, pid = args
    assert os.getpid() != pid
    return _cutout_sum(client)


def make_client(demo_image, demo_segmentation):
    return imagery.ImageryClient(image_source=demo_image, segmentation_source=demo_segmentation)


def test_forked_children_get_their_own_context_and_read_the_same(demo_image, demo_segmentation):
    client = make_client(demo_image, demo_segmentation)
    expected = _cutout_sum(client)  # the parent's context and threads now exist
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_child_reads, [(client, os.getpid())] * 4)
    for img_sum, seg_sum, address in results:
        assert (img_sum, seg_sum) == expected[:2]
    # The child made a fresh context: the parent's belongs to threads that are not there.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.write(w, str(imagery._native.context_address()).encode())
            _cutout_sum(client)
        finally:
            os._exit(0)
    os.close(w)
    child_address = int(os.read(r, 64).decode())
    os.close(r)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert child_address != expected[2]


def test_spawned_workers_read_the_same(demo_image, demo_segmentation):
    client = make_client(demo_image, demo_segmentation)
    expected = _cutout_sum(client)[:2]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(_child_reads, [(client, os.getpid())] * 2)
    assert all(r[:2] == expected for r in results)


def test_threads_call_one_client_concurrently(demo_image, demo_segmentation):
    client = make_client(demo_image, demo_segmentation)
    expected = _cutout_sum(client)[:2]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: _cutout_sum(client)[:2], range(32)))
    assert results == [expected] * 32


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def test_a_thousand_calls_leave_memory_flat(test_data):
    # CloudVolume's raw fixtures: their small gzip chunks decode fast, so the loop takes seconds.
    image = str(test_data / "cloudvolume" / "image_raw")
    client = imagery.ImageryClient(image_source=image,
                                   segmentation_source=str(test_data / "cloudvolume" / "seg_cseg"))
    vol = imagery.open(image)
    small = [[110, 40, 20], [170, 100, 21]]

    def calls():
        img, seg = client.image_and_segmentation_cutout(small)
        imagery.composite_overlay(seg, imagery=img, alpha=0.5)
        vol.download(small)

    for _ in range(50):  # warm up caches and allocator pools
        calls()
    before = rss_kb()
    for _ in range(1000):
        calls()
    grown = rss_kb() - before
    # One round holds ~70 kB of arrays and pictures; leaking any one of them 1,000 times would
    # add 3.6 MB or more.
    assert grown < 2 * 1024, "resident memory grew by %d kB over 1,000 calls" % grown
