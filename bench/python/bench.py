"""The Python bindings against ImageryClient and the CLI (issue 20).

1. ImageryClient's reference composite: a 1024 x 1024 uint64 segmentation with 50 objects over
   uint8 imagery, `imagery.composite_overlay(seg, imagery=img, alpha=0.4[, outline=True,
   width=3])`, the call ImageryClient takes, timed in-process (Pillow image out) and with the PNG
   written; the same arrays through `imagery composite` (a fresh process reading .npy files and
   writing the PNG); ImageryClient 1.0.3's recorded times for the same size (3.57 s fill, 5.63 s
   outline width 3; bench/RESULTS.md, bench/overlay).
2. The figure of bench/figure from HTTP (nginx on loopback): a 1024 x 1024 outlined figure of
   image_jpeg + seg_cseg, `imagery.figure(...)` in-process cold (caches cleared) and warm, against
   `imagery figure` in a fresh process (cold disk cache).

Usage: bench.py DATA_DIR BASE_URL IMAGERY_CLI OUT_DIR [RUNS]
"""

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

import imagery

IMAGERYCLIENT_MS = {"fill": 3570.0, "outline out width 3": 5630.0}


def timed(fn):
    """(wall ms, CPU ms of this process's threads and of the children it waited for)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0 = time.process_time()
    t0 = time.perf_counter()
    fn()
    wall = (time.perf_counter() - t0) * 1000
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return wall, (time.process_time() - c0 + child) * 1000


def interleaved(runs, cases):
    """Median wall and CPU ms of each case, the cases alternating run by run so that the load of
    the shared machine falls on all of them alike."""
    for fn in cases.values():
        fn()  # warm up
    samples = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            samples[name].append(timed(fn))
    return {name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for name, v in samples.items()}


def run_command(args, before=None):
    def fn():
        if before:
            before()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return fn


def reference_arrays(size=1024):
    """Voronoi cells like bench/overlay's: 53 seeds, 3 of them background, ids spread over the
    uint64 range (above 2**63 too); imagery with smooth structure plus grain."""
    rng = np.random.default_rng(1003)
    big = [4294967297, 1099511627779, 864691135000000001, 9223372036854775813,
           18446744073709551614]
    ids = [0, 0, 0] + big + [int(100 + v) for v in rng.integers(0, 5000, 45)]
    seeds = rng.integers(0, size, (len(ids), 2)).astype(np.float64)
    x, y = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    best = np.zeros((size, size), np.int64)
    best_d = np.full((size, size), np.inf)
    for i, (sx, sy) in enumerate(seeds):
        d = (x - sx) ** 2 + (y - sy) ** 2
        closer = d < best_d
        best[closer] = i
        best_d[closer] = d[closer]
    seg = np.asfortranarray(np.array(ids, dtype=np.uint64)[best])
    grain = rng.integers(0, 24, (size, size))
    img = 128 + 40 * np.sin(x * 0.05) * np.cos(y * 0.03) + grain
    return seg, np.asfortranarray(img.astype(np.uint8))


def main():
    data, base, cli, out = sys.argv[1:5]
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    os.makedirs(out, exist_ok=True)
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                             "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print("python bench: commit %s, %s, Python %s, numpy %s, imagery %s, %d CPUs, load %.2f, %s"
          % (commit.stdout.strip() or "?", platform.machine(), platform.python_version(),
             np.__version__, imagery.__version__, os.cpu_count(), os.getloadavg()[0],
             time.strftime("%Y-%m-%d %H:%M")))

    imagery.tune_allocator()  # as the imagery program runs (docs/python.md)
    seg, img = reference_arrays()
    objects = len([i for i in np.unique(seg) if i != 0])
    np.save(os.path.join(out, "python_bench_seg.npy"), seg)
    np.save(os.path.join(out, "python_bench_img.npy"), img)
    print("\n1. composite_overlay, 1024x1024 uint64, %d objects, alpha 0.4; median of %d runs"
          % (objects, runs))
    print("%-22s %18s %18s %18s %14s %12s" % ("case (wall / CPU ms)", "in-process",
                                                "+ PNG (Pillow)", "CLI (process)",
                                                "ImageryClient", "speed-up"))
    for name, kwargs, flags in [
        ("fill", {}, []),
        ("outline out width 3", {"outline": True, "width": 3}, ["--outline", "--width", "3"]),
    ]:
        png = os.path.join(out, "python_bench_%s.png" % name.split()[0])
        r = interleaved(runs, {
            "in": lambda: imagery.composite_overlay(seg, imagery=img, alpha=0.4, **kwargs),
            "png": lambda: imagery.composite_overlay(seg, imagery=img, alpha=0.4, **kwargs).save(
                png, compress_level=1),
            "cli": run_command([cli, "--quiet", "composite", "--seg",
                                os.path.join(out, "python_bench_seg.npy"), "--imagery",
                                os.path.join(out, "python_bench_img.npy"), "--alpha", "0.4",
                                *flags, "-o", png]),
        })
        ref = IMAGERYCLIENT_MS[name]
        print("%-22s %8.1f / %7.1f %8.1f / %7.1f %8.1f / %7.1f %11.0f ms %11.0fx" % (
            name, *r["in"], *r["png"], *r["cli"], ref, ref / r["in"][0]))

    print("\n2. figure from HTTP (nginx on loopback): 1024x1024, image_jpeg + seg_cseg "
          "[512,512,32]..[1536,1536,33], outline width 2, PNG + sidecar written; median of %d "
          "runs" % runs)
    spec = {"image": base + "/image_jpeg", "seg": base + "/seg_cseg",
            "bounds": [[512, 512, 32], [1536, 1536, 33]], "outline": True, "width": 2,
            "alpha": 1, "output": os.path.join(out, "python_bench_figure.png")}
    in_memory = {k: v for k, v in spec.items() if k != "output"}
    cache = os.path.join(out, "python-bench-cache")
    r = interleaved(runs, {
        "imagery.figure in-process, cold": lambda: (imagery.clear_caches(), imagery.figure(spec)),
        "imagery.figure in-process, warm": lambda: imagery.figure(spec),
        "imagery.figure in memory (no file), cold":
            lambda: (imagery.clear_caches(), imagery.figure(in_memory)),
        "imagery figure CLI, fresh process, cold": run_command(
            [cli, "--quiet", "--cache", cache, "figure", "--image", spec["image"], "--seg",
             spec["seg"], "--bounds", "512,512,32,1536,1536,33", "--outline", "--width", "2",
             "--alpha", "1", "-o", os.path.join(out, "cli_bench_figure.png")],
            before=lambda: shutil.rmtree(cache, ignore_errors=True)),
    })
    shutil.rmtree(cache, ignore_errors=True)
    print("%-42s %9s %9s" % ("case", "wall ms", "CPU ms"))
    for name, (wall, cpu) in r.items():
        print("%-42s %9.1f %9.1f" % (name, wall, cpu))
    print("load after: %.2f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
