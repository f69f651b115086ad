"""The viewer page of `imagery serve` (GET /) in a real browser.

Debian's chromium, driven headless through chromedriver by Debian's python3-selenium, opens the
page of a real `imagery serve` on 127.0.0.1 that serves the demo volumes (an image and its
segmentation), and checks what a user sees: the page loads without console errors, the tiles
appear and are the server's tile PNGs pixel for pixel, the z slider changes them, the overlay
toggle lays the segmentation over and takes it away, the readout under the cursor names the
voxel and its segment, and the figure button downloads the server's figure of the view.

Run by CTest (tests/serve/viewer_tests.cmake) with /usr/bin/python3 -m pytest; the environment
names the `imagery` program (IMAGERY_CLI), the source tree (IMAGERY_SOURCE_DIR) and where the
screenshots go (IMAGERY_VIEWER_OUT).
"""

import functools
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

IMAGERY = os.environ.get("IMAGERY_CLI", "imagery")
SOURCE_DIR = os.environ.get("IMAGERY_SOURCE_DIR",
                            os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.environ.get("IMAGERY_VIEWER_OUT") or tempfile.mkdtemp(prefix="viewer-")
DEMO = os.path.join(SOURCE_DIR, "examples", "demo_volume")
# The page's background (viewer.css --stage-bg), where tiles are transparent or absent.
STAGE_BACKGROUND = (0x0D, 0x0F, 0x12)
WAIT_SECONDS = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`imagery serve` on a free port of 127.0.0.1 with the demo image and segmentation."""

    def __init__(self):
        self.port = free_port()
        self.log_path = os.path.join(OUT, "serve.log")
        self.process = subprocess.Popen(
            [IMAGERY, "serve", "--bind", "127.0.0.1", "--port", str(self.port),
             "--source", "image=" + os.path.join(DEMO, "image"),
             "--source", "seg=" + os.path.join(DEMO, "segmentation")],
            stdout=subprocess.PIPE, stderr=open(self.log_path, "wb"))
        self.base = self._wait_listening()

    def _wait_listening(self):
        deadline = time.monotonic() + WAIT_SECONDS
        seen = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                seen += line
                if line.startswith(b"listening on http://"):
                    return line.decode().split("listening on ", 1)[1].strip()
            if self.process.poll() is not None:
                break
        self.stop()
        with open(self.log_path, "rb") as f:
            raise RuntimeError("imagery serve did not start: stdout %r, stderr %r"
                               % (seen, f.read()))

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=WAIT_SECONDS) as response:
            return response.read()

    def json(self, path):
        return json.loads(self.get(path))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server():
    os.makedirs(OUT, exist_ok=True)
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(server):
    profile = tempfile.mkdtemp(prefix="viewer-chromium-")
    downloads = os.path.join(profile, "downloads")
    os.makedirs(downloads)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--disable-dev-shm-usage", "--window-size=1280,960",
                 "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                 # Nothing but the server on loopback: every other host name fails to resolve.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    # The page's own size, whatever the headless window's frame takes.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    driver.downloads = downloads
    driver.get(server.base + "/")
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


# ------------------------------------------------------------------------------------ helpers

def wait_for(driver, script, what):
    """Waits until the JavaScript expression `script` is truthy; fails naming `what`."""
    try:
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.05).until(
            lambda d: d.execute_script("return " + script))
    except Exception as error:
        raise AssertionError("timed out waiting for " + what) from error


def wait_tiles_loaded(driver):
    wait_for(driver, "window.imageryViewer && imageryViewer.idle() && "
                     "document.querySelectorAll('.image-tile img.leaflet-tile-loaded').length > 0",
             "the tiles to load")
    # Two animation frames: Leaflet places and shows loaded tiles in the next frame.
    driver.execute_async_script(
        "const done = arguments[0];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done()));")


def shown_tiles(driver, layer_class):
    """The loaded tiles of a layer: their URL and where they are on the screen."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll(arguments[0] + ' img.leaflet-tile-loaded'))
            .map((img) => { const r = img.getBoundingClientRect();
                            return {src: img.src, left: r.left, top: r.top,
                                    width: r.width, height: r.height}; });""", "." + layer_class)


def map_rect(driver):
    """The map's box on the screen, and the boxes of the controls drawn over it."""
    return driver.execute_script("""
        const box = (e) => { const r = e.getBoundingClientRect();
                             return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
        const rect = box(document.getElementById('map'));
        rect.controls = Array.from(document.querySelectorAll('#map .leaflet-control')).map(box);
        return rect;""")


class Pixels:
    """A picture read pixel by pixel (PIL's pixel access, much faster than getpixel)."""

    def __init__(self, image):
        self.image = image
        self.access = image.load()

    def getpixel(self, xy):
        return self.access[xy]

    def getdata(self):
        return self.image.getdata()

    def crop(self, box):
        return self.image.crop(box)


def screenshot(driver, name):
    png = driver.get_screenshot_as_png()
    with open(os.path.join(OUT, name + ".png"), "wb") as f:
        f.write(png)
    return Pixels(Image.open(io.BytesIO(png)).convert("RGB"))


@functools.lru_cache(maxsize=None)
def fetch_png(url):
    """A tile as the server sends it (each URL fetched once: tiles are immutable)."""
    with urllib.request.urlopen(url, timeout=WAIT_SECONDS) as response:
        assert response.headers.get("Content-Type", "").startswith("image/png"), url
        return Pixels(Image.open(io.BytesIO(response.read())).convert("RGBA"))


def visible_pixels(tile, rect):
    """The screen pixels of a tile that lie inside the map: (sx, sy, tx, ty). A tile is drawn at
    its own pixels or, from a coarser level, enlarged a whole number of times (pixelated)."""
    scale = tile["width"] / 256
    assert scale == int(scale) and tile["height"] == tile["width"], tile
    assert tile["left"] == int(tile["left"]) and tile["top"] == int(tile["top"]), tile
    scale, left, top = int(scale), int(tile["left"]), int(tile["top"])
    controls = rect["controls"]
    for sy in range(max(top, int(rect["top"])), min(top + 256 * scale, int(rect["bottom"]))):
        # The zoom buttons cover some rows' pixels.
        row_controls = [c for c in controls if c["top"] <= sy < c["bottom"]]
        for sx in range(max(left, int(rect["left"])), min(left + 256 * scale, int(rect["right"]))):
            if row_controls and any(c["left"] <= sx < c["right"] for c in row_controls):
                continue
            yield sx, sy, (sx - left) // scale, (sy - top) // scale


def over_background(rgba, background=STAGE_BACKGROUND):
    r, g, b, a = rgba
    return tuple((c * a + k * (255 - a) + 127) // 255 for c, k in zip((r, g, b), background))


def compare_tiles(shot, tiles, rect, expected_pixel):
    """Counts the screen pixels of `tiles` that differ from `expected_pixel(tile png, x, y)`."""
    compared = differing = 0
    first = None
    for tile in tiles:
        png = fetch_png(tile["src"])
        for sx, sy, tx, ty in visible_pixels(tile, rect):
            want = expected_pixel(tile, png, tx, ty)
            got = shot.getpixel((sx, sy))
            compared += 1
            if want is not None and max(abs(a - b) for a, b in zip(want, got)) > 0:
                differing += 1
                if first is None:
                    first = (tile["src"], tx, ty, want, got)
    return compared, differing, first


def image_pixels_only(tile, png, x, y):
    return over_background(png.getpixel((x, y)))


def toggle_overlay(driver, on):
    box = driver.find_element(By.ID, "overlay-toggle")
    if box.is_selected() != on:
        box.click()
    wait_for(driver, "document.getElementById('map').dataset.segUrl %s ''"
             % ("!==" if on else "==="), "the overlay to be " + ("shown" if on else "hidden"))
    wait_tiles_loaded(driver)


def tile_box(src):
    """(level, x, y, query) of a tile URL .../tiles/LEVEL/X/Y.png?QUERY."""
    path, _, query = src.partition("?")
    parts = path.split("/")
    return int(parts[-3]), int(parts[-2]), int(parts[-1].split(".")[0]), query


# ------------------------------------------------------------------------------------ tests

def test_the_page_loads_its_sources_without_console_errors(server, browser):
    wait_tiles_loaded(browser)
    assert browser.title == "imagery viewer"
    assert browser.execute_script("return window.devicePixelRatio") == 1
    images = [o.get_attribute("value") for o in
              browser.find_elements(By.CSS_SELECTOR, "#image-source option")]
    segs = [o.get_attribute("value") for o in
            browser.find_elements(By.CSS_SELECTOR, "#seg-source option")]
    assert "image" in images and "seg" in segs
    assert browser.find_element(By.ID, "image-source").get_attribute("value") == "image"
    assert browser.find_element(By.ID, "seg-source").get_attribute("value") == "seg"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], "console errors: %s" % errors


def test_the_tiles_appear_and_are_the_tile_pngs_pixel_for_pixel(server, browser):
    toggle_overlay(browser, False)
    rect = map_rect(browser)
    tiles = shown_tiles(browser, "image-tile")
    assert tiles, "no image tiles on the page"
    assert not shown_tiles(browser, "seg-tile"), "the overlay is still shown"
    shot = screenshot(browser, "image-only")
    compared, differing, first = compare_tiles(shot, tiles, rect, image_pixels_only)
    assert compared > 10000, "only %d tile pixels on the screen" % compared
    assert differing == 0, "%d of %d screen pixels differ from the tile PNGs (first: %s)" % (
        differing, compared, first)
    # Not blank: the imagery has many grey levels on the screen.
    area = shot.crop((int(rect["left"]), int(rect["top"]), int(rect["right"]), int(rect["bottom"])))
    assert len(set(area.getdata())) > 50, "the tile area is nearly blank"


def test_the_overlay_toggle_lays_the_segmentation_over_the_image(server, browser):
    toggle_overlay(browser, True)
    rect = map_rect(browser)
    alpha = float(browser.find_element(By.ID, "overlay-alpha").get_attribute("value"))
    seg_tiles = shown_tiles(browser, "seg-tile")
    assert seg_tiles, "no segmentation tiles on the page with the overlay on"
    shot = screenshot(browser, "overlay")
    # Where an object is, the screen shows its colour at the slider's opacity over the image;
    # elsewhere the image alone. The image's pixel under each screen pixel, from its tiles:
    under_screen = {}
    for tile in shown_tiles(browser, "image-tile"):
        png = fetch_png(tile["src"])
        for sx, sy, tx, ty in visible_pixels(tile, rect):
            under_screen[(sx, sy)] = over_background(png.getpixel((tx, ty)))
    covered = changed = close = 0
    for tile in seg_tiles:
        png = fetch_png(tile["src"])
        for sx, sy, tx, ty in visible_pixels(tile, rect):
            r, g, b, a = png.getpixel((tx, ty))
            under = under_screen.get((sx, sy))
            if a == 0 or under is None:
                continue
            covered += 1
            got = shot.getpixel((sx, sy))
            opacity = alpha * a / 255
            want = tuple(c * opacity + u * (1 - opacity) for c, u in zip((r, g, b), under))
            if got != under:
                changed += 1
            if max(abs(w - v) for w, v in zip(want, got)) <= 2:
                close += 1
    assert covered > 1000, "only %d object pixels under the overlay" % covered
    assert changed > 0.9 * covered, "%d of %d object pixels look like the image alone" % (
        covered - changed, covered)
    assert close == covered, "%d of %d object pixels are not the colour at opacity %g" % (
        covered - close, covered, alpha)
    # Outlines: the segmentation's tiles are asked again with outline=true and the width, and
    # the objects' inside is no longer covered.
    filled = sum(1 for tile in seg_tiles for (r, g, b, a) in fetch_png(tile["src"]).getdata()
                 if a > 0)
    browser.find_element(By.ID, "outline-toggle").click()
    wait_for(browser, "document.getElementById('map').dataset.segUrl.indexOf("
                      "'outline=true&width=2') >= 0", "outlined segmentation tiles")
    wait_tiles_loaded(browser)
    outlined = shown_tiles(browser, "seg-tile")
    assert outlined and all("outline=true" in t["src"] and "no_merge_outline=true" in t["src"]
                            for t in outlined), outlined
    outline_pixels = sum(1 for tile in outlined for (r, g, b, a) in fetch_png(tile["src"]).getdata()
                         if a > 0)
    assert 0 < outline_pixels < filled / 2, (outline_pixels, filled)
    screenshot(browser, "outlines")
    browser.find_element(By.ID, "outline-toggle").click()
    wait_for(browser, "document.getElementById('map').dataset.segUrl.indexOf('outline') < 0",
             "filled segmentation tiles again")
    # And off again: the image alone, exactly.
    toggle_overlay(browser, False)
    shot = screenshot(browser, "overlay-off")
    compared, differing, first = compare_tiles(shot, shown_tiles(browser, "image-tile"), rect,
                                               image_pixels_only)
    assert differing == 0, "%d of %d pixels differ with the overlay off (first: %s)" % (
        differing, compared, first)
    toggle_overlay(browser, True)


def test_moving_the_z_slider_changes_the_tiles(server, browser):
    toggle_overlay(browser, False)
    rect = map_rect(browser)
    z_before = int(browser.find_element(By.ID, "z-slider").get_attribute("value"))
    before_tiles = shown_tiles(browser, "image-tile")
    before = screenshot(browser, "z-before")
    slider = browser.find_element(By.ID, "z-slider")
    slider.send_keys(Keys.ARROW_RIGHT)
    z_after = z_before + 1
    wait_for(browser, "document.getElementById('map').dataset.imageUrl.indexOf('z=%d') >= 0"
             % z_after, "the image layer to ask for z=%d" % z_after)
    wait_tiles_loaded(browser)
    assert browser.find_element(By.ID, "z-value").text == str(z_after)
    after_tiles = shown_tiles(browser, "image-tile")
    assert all("z=%d" % z_after in t["src"] for t in after_tiles), after_tiles
    after = screenshot(browser, "z-after")
    changed = sum(1 for t in after_tiles for sx, sy, _, _ in visible_pixels(t, rect)
                  if before.getpixel((sx, sy)) != after.getpixel((sx, sy)))
    assert changed > 1000, "only %d screen pixels changed from z=%d to z=%d" % (
        changed, z_before, z_after)
    assert {tile_box(t["src"])[:3] for t in before_tiles} == \
        {tile_box(t["src"])[:3] for t in after_tiles}
    compared, differing, first = compare_tiles(after, after_tiles, rect, image_pixels_only)
    assert differing == 0, "%d of %d pixels differ from the z=%d tiles (first: %s)" % (
        differing, compared, z_after, first)
    toggle_overlay(browser, True)


def test_the_window_controls_set_the_window_of_the_tiles(server, browser):
    toggle_overlay(browser, False)
    rect = map_rect(browser)
    before = screenshot(browser, "window-default")
    for field, value in [("window-min", "40"), ("window-max", "180")]:
        box = browser.find_element(By.ID, field)
        box.clear()
        box.send_keys(value + Keys.ENTER)
    wait_for(browser, "document.getElementById('map').dataset.imageUrl.indexOf("
                      "'window=40%2C180') >= 0", "tiles with window=40,180")
    wait_tiles_loaded(browser)
    tiles = shown_tiles(browser, "image-tile")
    assert all("window=40%2C180" in t["src"] for t in tiles), tiles
    shot = screenshot(browser, "window-40-180")
    compared, differing, first = compare_tiles(shot, tiles, rect, image_pixels_only)
    assert differing == 0, "%d of %d pixels differ from the windowed tiles (first: %s)" % (
        differing, compared, first)
    changed = sum(1 for t in tiles for sx, sy, _, _ in visible_pixels(t, rect)
                  if before.getpixel((sx, sy)) != shot.getpixel((sx, sy)))
    assert changed > 0.5 * compared, "the window changed only %d of %d pixels" % (changed, compared)
    # Auto: the 0.5 and 99.5 percentiles of the view's histogram, as numbers in the fields.
    browser.find_element(By.ID, "window-auto").click()
    wait_for(browser, "document.getElementById('window-min').value !== '40' && "
                      "document.getElementById('map').dataset.imageUrl.indexOf('window=40') < 0",
             "the automatic window")
    low = float(browser.find_element(By.ID, "window-min").get_attribute("value"))
    high = float(browser.find_element(By.ID, "window-max").get_attribute("value"))
    assert 0 <= low < high <= 256, (low, high)
    wait_tiles_loaded(browser)
    # Default: no window parameter, the first screen again.
    browser.find_element(By.ID, "window-reset").click()
    wait_for(browser, "document.getElementById('map').dataset.imageUrl.indexOf('window') < 0",
             "tiles without a window")
    wait_tiles_loaded(browser)
    again = screenshot(browser, "window-reset")
    assert sum(1 for t in tiles for sx, sy, _, _ in visible_pixels(t, rect)
               if before.getpixel((sx, sy)) != again.getpixel((sx, sy))) == 0
    toggle_overlay(browser, True)


def test_the_readout_shows_the_voxel_and_segment_under_the_cursor(server, browser):
    wait_tiles_loaded(browser)
    image = server.json("/api/sources/image")
    seg = server.json("/api/sources/seg")
    levels = image["tiles"]["levels"]
    z = int(browser.find_element(By.ID, "z-slider").get_attribute("value"))
    rect = map_rect(browser)
    tiles = shown_tiles(browser, "image-tile")
    # Screen points over the image, their voxels worked out from the tile under them (level,
    # column, row: 2^(levels - 1 - level) voxels per tile pixel), and the segment there as the
    # server's /value reads it at the segmentation's own voxel.
    candidates = []
    for tile in tiles:
        level, col, row, _ = tile_box(tile["src"])
        step = 2 ** (levels - 1 - level)
        for tx in range(16, 256, 48):
            for ty in range(16, 256, 48):
                sx, sy = int(tile["left"]) + tx, int(tile["top"]) + ty
                if not (rect["left"] + 4 <= sx < rect["right"] - 4 and
                        rect["top"] + 4 <= sy < rect["bottom"] - 40):
                    continue
                vx = (col * 256 + tx) * step
                vy = (row * 256 + ty) * step
                if vx >= image["size_x"] or vy >= image["size_y"]:
                    continue
                candidates.append((sx, sy, vx + image["offset"][0], vy + image["offset"][1]))
    assert candidates, "no screen points over the image"
    found = {}
    for sx, sy, x, y in candidates:
        sx_seg = int((x + 0.5) * image["pixel_size_x"] / seg["pixel_size_x"])
        sy_seg = int((y + 0.5) * image["pixel_size_y"] / seg["pixel_size_y"])
        answer = server.json("/api/sources/seg/value?x=%d&y=%d&z=%d" % (sx_seg, sy_seg, z))
        segment = str(answer["value"])
        if segment != "0" and segment not in found:
            found[segment] = (sx, sy, x, y)
        if len(found) == 2:
            break
    assert len(found) == 2, "fewer than two segments under the sampled points"
    for segment, (sx, sy, x, y) in found.items():
        actions = ActionBuilder(browser)
        actions.pointer_action.move_to_location(sx, sy)
        actions.perform()
        wait_for(browser, "document.getElementById('readout').dataset.voxel === '%d,%d,%d'"
                 % (x, y, z), "the readout of voxel %d,%d,%d" % (x, y, z))
        assert browser.find_element(By.ID, "cursor-x").text == str(x)
        assert browser.find_element(By.ID, "cursor-y").text == str(y)
        assert browser.find_element(By.ID, "cursor-z").text == str(z)
        assert browser.find_element(By.ID, "cursor-segment").text == segment, (
            "segment at voxel %d,%d,%d" % (x, y, z))
        value = server.json("/api/sources/image/value?x=%d&y=%d&z=%d" % (x, y, z))["value"]
        assert browser.find_element(By.ID, "cursor-value").text == str(value)
    screenshot(browser, "readout")


def test_the_figure_button_downloads_the_servers_figure_of_the_view(server, browser):
    for fmt, magic in [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<"), ("pdf", b"%PDF")]:
        for name in os.listdir(browser.downloads):
            os.remove(os.path.join(browser.downloads, name))
        browser.find_element(By.CSS_SELECTOR, "#figure-format option[value='%s']" % fmt).click()
        browser.find_element(By.ID, "figure-button").click()
        deadline = time.monotonic() + WAIT_SECONDS
        files = []
        while time.monotonic() < deadline:
            files = [f for f in os.listdir(browser.downloads) if f.endswith("." + fmt)]
            if files:
                break
            time.sleep(0.05)
        status = browser.find_element(By.ID, "figure-status").text
        assert files, "no %s downloaded (status: %s)" % (fmt, status)
        with open(os.path.join(browser.downloads, files[0]), "rb") as f:
            downloaded = f.read()
        assert downloaded.lstrip().startswith(magic), downloaded[:40]
        url = browser.find_element(By.ID, "figure-group").get_attribute("data-last-url")
        assert "image=image" in url and "seg=seg" in url and "center=" in url, url
        if fmt != "pdf":  # a PDF carries its creation time
            assert downloaded == server.get(url), "the download is not the figure of " + url
        if fmt == "png":
            with open(os.path.join(OUT, "figure.png"), "wb") as f:
                f.write(downloaded)


def test_zooming_in_enlarges_the_finest_tiles_pixel_for_pixel(server, browser):
    toggle_overlay(browser, False)
    levels = server.json("/api/sources/image")["tiles"]["levels"]
    zoom = browser.execute_script("return imageryViewer.map.getZoom()")
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").click()
    wait_for(browser, "imageryViewer.map.getZoom() === %d" % (zoom + 1), "the map to zoom in")
    wait_tiles_loaded(browser)
    tiles = shown_tiles(browser, "image-tile")
    # Past the finest level the finest tiles are drawn 2^(zoom - finest) times their size.
    finest_zoom = 0
    want_scale = 2 ** max(0, zoom + 1 - finest_zoom)
    assert tiles and all(t["width"] == 256 * want_scale for t in tiles), tiles
    assert all(tile_box(t["src"])[0] == min(levels - 1, zoom + 1 + levels - 1) for t in tiles)
    rect = map_rect(browser)
    shot = screenshot(browser, "zoomed-in")
    compared, differing, first = compare_tiles(shot, tiles, rect, image_pixels_only)
    assert compared > 100000, "only %d tile pixels on the screen" % compared
    assert differing == 0, "%d of %d screen pixels differ from the enlarged tiles (first: %s)" % (
        differing, compared, first)
    # The view for the README (docs/viewer.png): the objects, a segment under the cursor.
    toggle_overlay(browser, True)
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int((rect["left"] + rect["right"]) / 2) + 120,
                                            int((rect["top"] + rect["bottom"]) / 2) - 60)
    actions.perform()
    wait_for(browser, "document.getElementById('cursor-segment').textContent !== '\u2013'",
             "the segment readout")
    screenshot(browser, "viewer")


def test_the_segmentation_alone_is_shown_on_its_own_grid(server, browser):
    Select(browser.find_element(By.ID, "image-source")).select_by_value("")
    wait_for(browser, "document.getElementById('map').dataset.imageUrl === '' && "
                      "document.querySelectorAll('.seg-tile img.leaflet-tile-loaded').length > 0 "
                      "&& imageryViewer.idle()", "the segmentation alone")
    assert not shown_tiles(browser, "image-tile")
    seg = server.json("/api/sources/seg")
    levels = seg["tiles"]["levels"]
    rect = map_rect(browser)
    # The map's unit is now the segmentation's voxel: the readout names its voxels and ids.
    tile = next(t for t in shown_tiles(browser, "seg-tile")
                if t["left"] + 100 < rect["right"] and t["top"] + 100 < rect["bottom"])
    level, col, row, query = tile_box(tile["src"])
    z = int(browser.find_element(By.ID, "z-slider").get_attribute("value"))
    assert "z=%d" % z in query
    scale = int(tile["width"] / 256)
    step = 2 ** (levels - 1 - level)
    checked = 0
    for tx, ty in [(30, 30), (90, 60), (60, 95)]:
        sx, sy = int(tile["left"]) + tx * scale, int(tile["top"]) + ty * scale
        x = (col * 256 + tx) * step + seg["offset"][0]
        y = (row * 256 + ty) * step + seg["offset"][1]
        actions = ActionBuilder(browser)
        actions.pointer_action.move_to_location(sx, sy)
        actions.perform()
        wait_for(browser, "document.getElementById('readout').dataset.voxel === '%d,%d,%d'"
                 % (x, y, z), "the readout of segmentation voxel %d,%d,%d" % (x, y, z))
        want = str(server.json("/api/sources/seg/value?x=%d&y=%d&z=%d" % (x, y, z))["value"])
        assert browser.find_element(By.ID, "cursor-segment").text == want
        assert browser.find_element(By.ID, "cursor-value").text == "\u2013"  # no image
        checked += 1
    assert checked == 3
    screenshot(browser, "segmentation-alone")
    Select(browser.find_element(By.ID, "image-source")).select_by_value("image")
    wait_for(browser, "document.getElementById('map').dataset.imageUrl !== ''", "the image again")
    wait_tiles_loaded(browser)


def test_no_console_errors_after_using_the_page(server, browser):
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], "console errors: %s" % errors
