// The viewer page of `imagery serve`: lists the server's sources, shows an image with a
// segmentation laid over it as two Leaflet tile layers, and drives the section (z), the display
// window, the overlay's opacity and outlines, the cursor readout and the figure download.
// Plain ES2017 served as is (no build step); Leaflet is Debian's, served by the server.
//
// Coordinates: the map's units are the reference source's mip-0 voxels (the image, or the
// segmentation when there is no image), counted from the source's voxel offset, y down. Map zoom
// 0 shows one voxel per screen pixel, so the reference's tile level is zoom + (levels - 1). The
// other source's tiles are placed by physical position (offset x pixel size), which is why each
// layer has its own zoom offset and, when the origins differ, a shift.
(function () {
  'use strict';

  const TILE = 256;
  const FIGURE_MAX_PIXELS = 4096;  // the figure button asks for at most this many pixels a side

  const state = {
    sources: [],          // [{name, type}]
    infos: {},            // name -> the server's summary of the source
    image: '',            // image source name ('' none)
    seg: '',              // segmentation source name ('' none)
    z: 0,                 // section, in the reference's mip-0 voxels (absolute)
    windowMin: null,      // display window; null: the source's own
    windowMax: null,
    overlay: true,
    alpha: 0.4,
    outline: false,
    outlineWidth: 2,
    histogram: null,      // the last histogram document of the view
  };

  let map = null;
  let imageLayers = [];   // newest last; older ones stay until the newest has loaded (no flicker)
  let segLayers = [];
  let cursorRequest = 0;  // sequence number of the readout's requests, so stale answers are dropped
  let cursorTimer = null;
  let histogramTimer = null;
  let hashTimer = null;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- server

  async function fetchJson(url) {
    const response = await fetch(url, {headers: {Accept: 'application/json'}});
    const text = await response.text();
    if (!response.ok) throw new Error(errorText(response, text));
    return JSON.parse(text);
  }

  // The server's errors are {"error": "...", "code": "..."}: show the sentence.
  function errorText(response, text) {
    try {
      const body = JSON.parse(text);
      if (body && body.error) return body.error + (body.code ? ' (' + body.code + ')' : '');
    } catch (ignored) {
      // not JSON: the status line says it
    }
    return 'HTTP ' + response.status + ' ' + response.statusText;
  }

  function sourceUrl(name) {
    return '/api/sources/' + encodeURIComponent(name);
  }

  function query(params) {
    return Object.keys(params)
        .filter((key) => params[key] !== undefined && params[key] !== null && params[key] !== '')
        .map((key) => encodeURIComponent(key) + '=' + encodeURIComponent(String(params[key])))
        .join('&');
  }

  // ---------------------------------------------------------------- geometry

  // What the page needs of a source, from its summary: sizes and offset in mip-0 voxels, pixel
  // size in µm, the number of tile levels, whether it is a segmentation.
  function geometry(name) {
    const info = state.infos[name];
    const tiles = info.tiles || {};
    const sizeX = tiles.size_x || info.size_x;
    const sizeY = tiles.size_y || info.size_y;
    const tileSize = tiles.tile_size || TILE;
    let levels = tiles.levels;
    if (typeof levels !== 'number') {
      // large_image's count: level 0 holds the whole section in one tile.
      levels = Math.max(0, Math.ceil(Math.log2(Math.max(sizeX, sizeY) / tileSize))) + 1;
    }
    const offset = info.offset || [0, 0, 0];
    return {
      name: name,
      segmentation: isSegmentation(name),
      size: [sizeX, sizeY, info.size_z],
      offset: offset,
      pixel: [info.pixel_size_x, info.pixel_size_y, info.pixel_size_z],
      levels: levels,
      tileSize: tileSize,
      dtype: info.dtype,
      info: info,
    };
  }

  function isSegmentation(name) {
    const source = state.sources.find((s) => s.name === name);
    const info = state.infos[name];
    const type = (source && (source.type || source.kind)) || (info && (info.kind || info.type));
    return type === 'segmentation';
  }

  function reference() {
    if (state.image) return geometry(state.image);
    if (state.seg) return geometry(state.seg);
    return null;
  }

  // Where source `g`'s tile grid lies in the reference's map: the zoom offset that makes its tile
  // level match the screen, and its origin in reference voxels.
  function placement(g, ref) {
    const ratio = g.pixel[0] / ref.pixel[0];
    const log = Math.log2(ratio);
    const steps = Math.round(log);
    return {
      aligned: Math.abs(log - steps) < 1e-6,
      ratio: ratio,
      zoomOffset: g.levels - 1 + steps,
      shift: L.point((g.offset[0] * g.pixel[0] - ref.offset[0] * ref.pixel[0]) / ref.pixel[0],
                     (g.offset[1] * g.pixel[1] - ref.offset[1] * ref.pixel[1]) / ref.pixel[1]),
    };
  }

  // The section of source `g` at the reference's section z: the one holding its centre.
  function sectionOf(g, ref, z) {
    const physical = (z + 0.5) * ref.pixel[2];
    return Math.floor(physical / g.pixel[2] + 1e-9);
  }

  // A voxel of the reference (absolute) in source `g`'s mip-0 voxels.
  function voxelOf(g, ref, x, y, z) {
    return [Math.floor(((x + 0.5) * ref.pixel[0]) / g.pixel[0] + 1e-9),
            Math.floor(((y + 0.5) * ref.pixel[1]) / g.pixel[1] + 1e-9), sectionOf(g, ref, z)];
  }

  // ---------------------------------------------------------------- layers

  // A tile layer whose grid may start off the reference's origin: positions, tile ranges and
  // bounds move by the shift (in reference voxels, so scaled by the tile zoom).
  const ShiftedTileLayer = L.TileLayer.extend({
    _shiftPx: function (zoom) {
      return this.options.shift.multiplyBy(Math.pow(2, zoom));
    },
    _getTilePos: function (coords) {
      return L.TileLayer.prototype._getTilePos.call(this, coords).add(this._shiftPx(coords.z));
    },
    _pxBoundsToTileRange: function (bounds) {
      const shift = this._shiftPx(this._tileZoom);
      return L.TileLayer.prototype._pxBoundsToTileRange.call(
          this, L.bounds(bounds.min.subtract(shift), bounds.max.subtract(shift)));
    },
    _tileCoordsToNwSe: function (coords) {
      const tileSize = this.getTileSize();
      const nw = coords.scaleBy(tileSize).add(this._shiftPx(coords.z));
      const se = nw.add(tileSize);
      return [this._map.unproject(nw, coords.z), this._map.unproject(se, coords.z)];
    },
  });

  function imageTileUrl(g) {
    const params = {z: state.z};
    if (state.windowMin !== null && state.windowMax !== null) {
      params.window = state.windowMin + ',' + state.windowMax;
    }
    return sourceUrl(g.name) + '/tiles/{z}/{x}/{y}.png?' + query(params);
  }

  function segTileUrl(g, ref) {
    // Tiles come fully opaque objects; the slider sets the layer's opacity, so moving it
    // needs no new tiles.
    const params = {z: sectionOf(g, ref, state.z), alpha: 1};
    if (state.outline) {
      // Every object's own outline, also where it touches another object (not only where the
      // objects meet id 0, as the merged outline of a figure would be).
      params.outline = 'true';
      params.width = state.outlineWidth;
      params.no_merge_outline = 'true';
    }
    return sourceUrl(g.name) + '/tiles/{z}/{x}/{y}.png?' + query(params);
  }

  function makeLayer(g, ref, url, pane, opacity) {
    const place = placement(g, ref);
    const extent = L.latLngBounds(
        [place.shift.y, place.shift.x],
        [place.shift.y + g.size[1] * (g.pixel[1] / ref.pixel[1]),
         place.shift.x + g.size[0] * place.ratio]);
    return new ShiftedTileLayer(url, {
      pane: pane,
      tileSize: g.tileSize,
      zoomOffset: place.zoomOffset,
      minZoom: -64,
      maxZoom: 64,
      minNativeZoom: -place.zoomOffset,
      maxNativeZoom: g.levels - 1 - place.zoomOffset,
      bounds: extent,
      noWrap: true,
      keepBuffer: 1,
      opacity: opacity,
      shift: place.shift,
      className: pane === 'imagePane' ? 'image-tile' : 'seg-tile',
    });
  }

  // Puts `layer` on the map above the shown one of `stack`, and removes that once the new one
  // has loaded, so changing z or the window swaps whole views instead of blanking them. Layers
  // still loading when a newer one comes are dropped at once (scrubbing through z asks only
  // for the sections it rests on long enough).
  function pushLayer(stack, layer) {
    const shown = stack.filter((old) => old.imageryLoaded).pop();
    stack.splice(0).forEach((old) => {
      if (old !== shown) map.removeLayer(old);
    });
    if (shown) stack.push(shown);
    layer.on('load', () => {
      layer.imageryLoaded = true;
      const index = stack.indexOf(layer);
      if (index > 0) stack.splice(0, index).forEach((old) => map.removeLayer(old));
    });
    layer.on('tileerror', (event) => {
      showMessage('A tile failed: ' + (event.tile && event.tile.src ? event.tile.src : '?'));
    });
    stack.push(layer);
    layer.addTo(map);
  }

  function clearStack(stack) {
    stack.splice(0).forEach((layer) => map.removeLayer(layer));
  }

  function refreshImage() {
    const ref = reference();
    if (!state.image || !ref) {
      clearStack(imageLayers);
      $('map').dataset.imageUrl = '';
      return;
    }
    const g = geometry(state.image);
    const url = imageTileUrl(g);
    if ($('map').dataset.imageUrl === url && imageLayers.length) return;
    $('map').dataset.imageUrl = url;
    pushLayer(imageLayers, makeLayer(g, ref, url, 'imagePane', 1));
  }

  function refreshSeg() {
    const ref = reference();
    if (!state.seg || !state.overlay || !ref) {
      clearStack(segLayers);
      $('map').dataset.segUrl = '';
      return;
    }
    const g = geometry(state.seg);
    const place = placement(g, ref);
    if (!place.aligned) {
      showMessage('The segmentation\'s voxels are not a power of two of the image\'s: ' +
                  'its tiles cannot be laid over exactly.');
    }
    const url = segTileUrl(g, ref);
    if ($('map').dataset.segUrl === url && segLayers.length) {
      segLayers.forEach((layer) => layer.setOpacity(state.alpha));
      return;
    }
    $('map').dataset.segUrl = url;
    pushLayer(segLayers, makeLayer(g, ref, url, 'segPane', state.alpha));
  }

  function refreshLayers() {
    refreshImage();
    refreshSeg();
    scheduleHistogram();
    scheduleHash();
  }

  // ---------------------------------------------------------------- map

  function createMap() {
    // CRS.Simple with y growing downwards, so that latitude is the voxel row.
    const crs = L.extend({}, L.CRS.Simple, {transformation: new L.Transformation(1, 0, 1, 0)});
    map = L.map('map', {
      crs: crs,
      zoomSnap: 1,
      zoomDelta: 1,
      fadeAnimation: false,
      attributionControl: false,
      minZoom: -12,
      maxZoom: 5,
      keyboard: true,
    });
    map.createPane('imagePane').style.zIndex = 200;
    map.createPane('segPane').style.zIndex = 300;
    map.on('mousemove', onCursor);
    map.on('mouseout', () => setCursorText(null));
    map.on('zoomend moveend', () => {
      updateScaleReadout();
      scheduleHistogram();
      scheduleHash();
    });
  }

  // Shows the whole section, at a whole zoom so that tiles are drawn at their own pixels.
  function fitSection(view) {
    const ref = reference();
    if (!ref) return;
    map.setMinZoom(-(ref.levels - 1) - 1);
    const extent = L.latLngBounds([0, 0], [ref.size[1], ref.size[0]]);
    if (view && isFinite(view.x) && isFinite(view.y) && isFinite(view.zoom)) {
      map.setView([view.y, view.x], view.zoom, {animate: false});
    } else {
      map.fitBounds(extent, {animate: false, padding: [16, 16]});
    }
    map.setMaxBounds(extent.pad(0.5));
  }

  function updateScaleReadout() {
    const ref = reference();
    if (!ref || !map) return;
    const zoom = map.getZoom();
    const level = Math.min(Math.max(zoom + ref.levels - 1, 0), ref.levels - 1);
    $('zoom-level').textContent = level + ' / ' + (ref.levels - 1);
    $('screen-scale').textContent = formatNumber(ref.pixel[0] * 1000 * Math.pow(2, -zoom));
  }

  // ---------------------------------------------------------------- cursor readout

  function onCursor(event) {
    const ref = reference();
    if (!ref) return;
    const x = Math.floor(event.latlng.lng);
    const y = Math.floor(event.latlng.lat);
    if (x < 0 || y < 0 || x >= ref.size[0] || y >= ref.size[1]) {
      setCursorText(null);
      return;
    }
    const voxel = [x + ref.offset[0], y + ref.offset[1], state.z];
    $('cursor-x').textContent = voxel[0];
    $('cursor-y').textContent = voxel[1];
    $('cursor-z').textContent = voxel[2];
    clearTimeout(cursorTimer);
    // The values come from the server: ask once the pointer rests for a moment.
    cursorTimer = setTimeout(() => readValues(voxel), 40);
  }

  function setCursorText(voxel) {
    if (voxel) return;
    ['cursor-x', 'cursor-y', 'cursor-z', 'cursor-value', 'cursor-segment'].forEach((id) => {
      $(id).textContent = '–';
    });
    $('readout').dataset.voxel = '';
    clearTimeout(cursorTimer);
    cursorRequest += 1;
  }

  async function readValues(voxel) {
    const ref = reference();
    const request = ++cursorRequest;
    const asks = [];
    asks.push(state.image ? valueAt(state.image, voxel) : Promise.resolve(null));
    if (state.seg) {
      const segVoxel = state.image ? voxelOf(geometry(state.seg), ref, voxel[0], voxel[1], voxel[2])
                                   : voxel;
      asks.push(valueAt(state.seg, segVoxel));
    } else {
      asks.push(Promise.resolve(null));
    }
    let values;
    try {
      values = await Promise.all(asks);
    } catch (error) {
      if (request === cursorRequest) $('cursor-value').textContent = '?';
      return;
    }
    if (request !== cursorRequest) return;
    $('cursor-value').textContent = values[0] === null ? '–' : values[0];
    $('cursor-segment').textContent = values[1] === null ? '–' : values[1];
    // For the browser tests: which voxel the values shown belong to.
    $('readout').dataset.voxel = voxel.join(',');
  }

  // The voxel's value as text. Segment ids are 64-bit: read from the JSON text itself, not
  // through a JavaScript number, which would round ids above 2^53.
  async function valueAt(name, voxel) {
    const url = sourceUrl(name) + '/value?' + query({x: voxel[0], y: voxel[1], z: voxel[2]});
    const response = await fetch(url);
    const text = await response.text();
    if (!response.ok) throw new Error(errorText(response, text));
    const match = /"(?:value|id|segment_id)"\s*:\s*\[?\s*"?(-?[0-9.eE+-]+)"?/.exec(text);
    if (match) return match[1];
    const body = JSON.parse(text);
    return typeof body === 'object' ? JSON.stringify(body) : String(body);
  }

  // ---------------------------------------------------------------- window and histogram

  function scheduleHistogram() {
    clearTimeout(histogramTimer);
    histogramTimer = setTimeout(loadHistogram, 250);
  }

  // The histogram of the section in view (clamped to the volume), at most 256 bins.
  function viewBounds() {
    const ref = reference();
    const bounds = map.getBounds();
    const x0 = Math.max(0, Math.floor(bounds.getWest()));
    const y0 = Math.max(0, Math.floor(Math.min(bounds.getNorth(), bounds.getSouth())));
    const x1 = Math.min(ref.size[0], Math.ceil(bounds.getEast()));
    const y1 = Math.min(ref.size[1], Math.ceil(Math.max(bounds.getNorth(), bounds.getSouth())));
    if (x1 <= x0 || y1 <= y0) return null;
    return [x0 + ref.offset[0], y0 + ref.offset[1], state.z, x1 + ref.offset[0],
            y1 + ref.offset[1], state.z + 1];
  }

  async function loadHistogram() {
    if (!state.image || !map) {
      state.histogram = null;
      drawHistogram();
      return null;
    }
    const box = viewBounds();
    if (!box) return null;
    // Read at the mip the screen shows, so a zoomed-out view costs what its pixels cost.
    const mip = figureMip(geometry(state.image), Math.pow(2, -map.getZoom()), 0).index;
    // 8-bit imagery on its whole range, a bin a value; other types on the data's own range.
    const dtype = geometry(state.image).dtype;
    const range = dtype === 'uint8' ? '0,256' : dtype === 'int8' ? '-128,128' : null;
    const url = sourceUrl(state.image) + '/histogram?' +
                query({bounds: box.join(','), bins: 256, mip: mip, range: range});
    try {
      state.histogram = await fetchJson(url);
    } catch (error) {
      state.histogram = null;
    }
    drawHistogram();
    return state.histogram;
  }

  function drawHistogram() {
    const canvas = $('histogram');
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, canvas.width, canvas.height);
    const channel = state.histogram && state.histogram.channels && state.histogram.channels[0];
    if (!channel || !channel.counts || !channel.counts.length) return;
    const counts = channel.counts;
    const edges = channel.edges;
    const top = Math.log1p(Math.max.apply(null, counts));
    const barWidth = canvas.width / counts.length;
    context.fillStyle = '#6f7b88';
    counts.forEach((count, i) => {
      const height = top > 0 ? (Math.log1p(count) / top) * (canvas.height - 2) : 0;
      context.fillRect(i * barWidth, canvas.height - height, Math.max(barWidth, 1), height);
    });
    // The window's ends as lines on the same axis.
    const [low, high] = currentWindow();
    const first = edges[0];
    const last = edges[edges.length - 1];
    if (last > first) {
      context.strokeStyle = '#4fa3e0';
      context.lineWidth = 1.5;
      [low, high].forEach((value) => {
        const x = ((value - first) / (last - first)) * canvas.width;
        context.beginPath();
        context.moveTo(x, 0);
        context.lineTo(x, canvas.height);
        context.stroke();
      });
    }
  }

  // The window in effect: the one set, else the source's own, else the data type's range.
  function currentWindow() {
    if (state.windowMin !== null && state.windowMax !== null) {
      return [state.windowMin, state.windowMax];
    }
    const g = state.image ? geometry(state.image) : null;
    const channel = g && g.info.channels && g.info.channels[0];
    if (channel && channel.window) return channel.window;
    return [0, 255];
  }

  // 0.5 and 99.5 percentiles of the histogram (the `auto` window of `imagery render`).
  function percentileWindow(histogram) {
    const channel = histogram && histogram.channels && histogram.channels[0];
    if (!channel) return null;
    const counts = channel.counts;
    const edges = channel.edges;
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) return null;
    const at = (fraction) => {
      let sum = 0;
      for (let i = 0; i < counts.length; ++i) {
        sum += counts[i];
        if (sum >= fraction * total) return {low: edges[i], high: edges[i + 1]};
      }
      return {low: edges[counts.length - 1], high: edges[counts.length]};
    };
    const low = at(0.005).low;
    const high = at(0.995).high;
    return high > low ? [roundWindow(low), roundWindow(high)] : null;
  }

  function roundWindow(value) {
    return Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(4));
  }

  function setWindow(low, high) {
    state.windowMin = low;
    state.windowMax = high;
    $('window-min').value = low === null ? '' : low;
    $('window-max').value = high === null ? '' : high;
    refreshImage();
    drawHistogram();
    scheduleHash();
  }

  function onWindowInput() {
    const low = parseFloat($('window-min').value);
    const high = parseFloat($('window-max').value);
    if (isFinite(low) && isFinite(high) && high > low) {
      state.windowMin = low;
      state.windowMax = high;
      hideMessage();
      refreshImage();
      drawHistogram();
      scheduleHash();
    } else if ($('window-min').value === '' && $('window-max').value === '') {
      setWindow(null, null);
    }
  }

  function updateWindowPlaceholders() {
    const [low, high] = currentWindow();
    $('window-min').placeholder = String(low);
    $('window-max').placeholder = String(high);
  }

  // ---------------------------------------------------------------- section

  function setZ(z) {
    const ref = reference();
    if (!ref) return;
    const first = ref.offset[2];
    const last = ref.offset[2] + ref.size[2] - 1;
    state.z = Math.min(Math.max(Math.round(z), first), last);
    $('z-slider').value = state.z;
    $('z-value').textContent = state.z;
    if ($('readout').dataset.voxel) $('cursor-z').textContent = state.z;
    refreshLayers();
  }

  function configureSlider() {
    const ref = reference();
    if (!ref) return;
    const first = ref.offset[2];
    const last = ref.offset[2] + ref.size[2] - 1;
    $('z-slider').min = first;
    $('z-slider').max = last;
    $('z-slider').disabled = last <= first;
    $('z-range').textContent = 'z ' + first + ' – ' + last + ' (' + ref.size[2] + ' sections, ' +
                               formatNumber(ref.pixel[2] * 1000) + ' nm)';
  }

  // ---------------------------------------------------------------- figure

  // The FigureSpec of the view: the part of the section in view (its centre and size in the
  // reference's mip-0 voxels), the image mip nearest the screen's scale (coarser when the figure
  // would exceed FIGURE_MAX_PIXELS), the window and overlay as shown.
  function figureParams() {
    const ref = reference();
    const zoom = map.getZoom();
    const bounds = map.getBounds();
    const x0 = Math.max(0, Math.floor(bounds.getWest()));
    const x1 = Math.min(ref.size[0], Math.ceil(bounds.getEast()));
    const y0 = Math.max(0, Math.floor(Math.min(bounds.getNorth(), bounds.getSouth())));
    const y1 = Math.min(ref.size[1], Math.ceil(Math.max(bounds.getNorth(), bounds.getSouth())));
    if (x1 <= x0 || y1 <= y0) return null;
    const width = x1 - x0;
    const height = y1 - y0;
    const centerX = x0 + Math.floor(width / 2) + ref.offset[0];
    const centerY = y0 + Math.floor(height / 2) + ref.offset[1];
    const params = {
      center: centerX + ',' + centerY + ',' + state.z,
      size: width + ',' + height,
      resolution: ref.pixel.map((p) => formatNumber(p * 1000)).join(','),
    };
    const mainName = state.image || state.seg;
    const mip = figureMip(geometry(mainName), Math.pow(2, -zoom), Math.max(width, height));
    if (state.image) {
      params.image = state.image;
      params.image_mip = mip.index;
      if (state.windowMin !== null && state.windowMax !== null) {
        params.window = state.windowMin + ',' + state.windowMax;
      }
    }
    if (state.seg && (state.overlay || !state.image)) {
      params.seg = state.seg;
      const segMip = matchingMip(geometry(state.seg), mip.pixel);
      if (segMip !== null && state.image) params.seg_mip = segMip;
      if (!state.image) params.seg_mip = mip.index;
      params.alpha = state.alpha;
      if (state.outline) {
        params.outline = 'true';
        params.width = state.outlineWidth;
      }
    }
    if ($('figure-scale-bar').checked) params.scale_bar = 'auto';
    return params;
  }

  // The finest readable mip no finer than the screen (voxels per screen pixel), coarser while the
  // figure would be wider than FIGURE_MAX_PIXELS.
  function figureMip(g, voxelsPerPixel, extent) {
    const levels = (g.info.levels || []).filter((level) => level.readable !== false);
    let choice = null;
    levels.forEach((level) => {
      const down = Array.isArray(level.downsample) ? level.downsample[0] : 1;
      const fits = down <= Math.max(1, voxelsPerPixel) + 1e-9;
      if (fits && (!choice || down > choice.down)) choice = {index: level.level, down: down};
    });
    if (!choice) choice = {index: 0, down: 1};
    levels.forEach((level) => {
      const down = Array.isArray(level.downsample) ? level.downsample[0] : 1;
      if (extent / choice.down > FIGURE_MAX_PIXELS && down > choice.down) {
        choice = {index: level.level, down: down};
      }
    });
    const level = levels.find((l) => l.level === choice.index);
    return {index: choice.index, pixel: level ? level.pixel_size_x : g.pixel[0] * choice.down};
  }

  function matchingMip(g, pixel) {
    const levels = g.info.levels || [];
    const level =
        levels.find((l) => Math.abs(l.pixel_size_x - pixel) < 1e-9 && l.readable !== false);
    return level ? level.level : null;
  }

  async function downloadFigure() {
    const ref = reference();
    if (!ref) return;
    const format = $('figure-format').value;
    const params = figureParams();
    if (!params) {
      setFigureStatus('The section is not in view.', true);
      return;
    }
    const url = '/api/figure.' + format + '?' + query(params);
    const button = $('figure-button');
    button.disabled = true;
    setFigureStatus('Rendering…', false);
    $('figure-group').dataset.lastUrl = url;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(errorText(response, await response.text()));
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'imagery-' + (state.image || state.seg) + '-z' + state.z + '.' + format;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      setFigureStatus(format.toUpperCase() + ', ' + formatBytes(blob.size), false);
    } catch (error) {
      setFigureStatus('Figure failed: ' + error.message, true);
    } finally {
      button.disabled = false;
    }
  }

  function setFigureStatus(text, isError) {
    $('figure-status').textContent = text;
    $('figure-status').classList.toggle('error', isError);
  }

  // ---------------------------------------------------------------- sources

  async function loadSources() {
    const body = await fetchJson('/api/sources');
    state.sources = (Array.isArray(body) ? body : body.sources || []).map((s) =>
        typeof s === 'string' ? {name: s} : s);
    await Promise.all(state.sources.map(async (s) => {
      state.infos[s.name] = await fetchJson(sourceUrl(s.name));
    }));
    const images = state.sources.filter((s) => !isSegmentation(s.name));
    const segs = state.sources.filter((s) => isSegmentation(s.name));
    fillSelect($('image-source'), images);
    fillSelect($('seg-source'), segs);
    const hash = readHash();
    state.image = pick(images, hash.image);
    state.seg = pick(segs, hash.seg);
    $('image-source').value = state.image;
    $('seg-source').value = state.seg;
    return hash;
  }

  function pick(list, wanted) {
    const known = wanted === '' || list.some((s) => s.name === wanted);
    if (wanted !== undefined && known) return wanted;
    return list.length ? list[0].name : '';
  }

  function fillSelect(select, list) {
    select.innerHTML = '';
    const none = document.createElement('option');
    none.value = '';
    none.textContent = '(none)';
    select.appendChild(none);
    list.forEach((s) => {
      const option = document.createElement('option');
      option.value = s.name;
      option.textContent = s.name;
      select.appendChild(option);
    });
  }

  function describeSources() {
    const parts = [];
    [state.image, state.seg].filter((name) => name).forEach((name) => {
      const g = geometry(name);
      parts.push(name + ': ' + g.size[0] + ' × ' + g.size[1] + ' × ' + g.size[2] + ' ' + g.dtype +
                 ', ' + formatNumber(g.pixel[0] * 1000) + ' nm');
    });
    $('source-meta').textContent = parts.join(' · ');
  }

  // Rebuilds everything after the image or segmentation changed.
  function showSources(view) {
    clearStack(imageLayers);
    clearStack(segLayers);
    $('map').dataset.imageUrl = '';
    $('map').dataset.segUrl = '';
    const ref = reference();
    describeSources();
    const hasImage = Boolean(state.image);
    ['window-min', 'window-max', 'window-auto', 'window-reset'].forEach((id) => {
      $(id).disabled = !hasImage;
    });
    $('figure-button').disabled = !ref;
    if (!ref) {
      showMessage('The server has no sources to show.');
      return;
    }
    hideMessage();
    configureSlider();
    fitSection(view);
    updateWindowPlaceholders();
    const middle = ref.offset[2] + Math.floor(ref.size[2] / 2);
    setZ(view && isFinite(view.z) ? view.z : middle);
    updateScaleReadout();
  }

  // ---------------------------------------------------------------- URL hash (shareable views)

  function readHash() {
    const out = {};
    window.location.hash.replace(/^#/, '').split('&').filter((s) => s).forEach((pair) => {
      const [key, value] = pair.split('=');
      out[decodeURIComponent(key)] = decodeURIComponent(value || '');
    });
    const view = {};
    ['x', 'y', 'z', 'zoom'].forEach((key) => {
      if (out[key] !== undefined) view[key] = Number(out[key]);
    });
    out.view = view;
    return out;
  }

  function scheduleHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 300);
  }

  function writeHash() {
    if (!map || !reference()) return;
    const center = map.getCenter();
    const params = {
      image: state.image,
      seg: state.seg,
      z: state.z,
      x: Math.round(center.lng),
      y: Math.round(center.lat),
      zoom: map.getZoom(),
    };
    const text = Object.keys(params)
                     .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k]))
                     .join('&');
    history.replaceState(null, '', '#' + text);
  }

  // ---------------------------------------------------------------- small things

  function formatNumber(value) {
    return Number(value.toPrecision(6)).toString();
  }

  function formatBytes(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' kB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function showMessage(text) {
    const box = $('message');
    box.textContent = text;
    box.hidden = false;
  }

  function hideMessage() {
    $('message').hidden = true;
  }

  function bindControls() {
    $('image-source').addEventListener('change', () => {
      state.image = $('image-source').value;
      setWindow(null, null);
      showSources(null);
    });
    $('seg-source').addEventListener('change', () => {
      state.seg = $('seg-source').value;
      showSources(state.image ? currentView() : null);
    });
    $('z-slider').addEventListener('input', () => setZ(Number($('z-slider').value)));
    $('z-down').addEventListener('click', () => setZ(state.z - 1));
    $('z-up').addEventListener('click', () => setZ(state.z + 1));
    document.addEventListener('keydown', (event) => {
      if (event.target.tagName === 'INPUT' || event.target.tagName === 'SELECT') return;
      if (event.key === 'PageUp' || event.key === ']') setZ(state.z + 1);
      if (event.key === 'PageDown' || event.key === '[') setZ(state.z - 1);
    });
    $('window-min').addEventListener('change', onWindowInput);
    $('window-max').addEventListener('change', onWindowInput);
    $('window-auto').addEventListener('click', async () => {
      const histogram = await loadHistogram();
      const window = percentileWindow(histogram);
      if (window) setWindow(window[0], window[1]);
      else showMessage('No histogram of this view to set the window from.');
    });
    $('window-reset').addEventListener('click', () => setWindow(null, null));
    $('overlay-toggle').addEventListener('change', () => {
      state.overlay = $('overlay-toggle').checked;
      refreshSeg();
    });
    $('overlay-alpha').addEventListener('input', () => {
      state.alpha = Number($('overlay-alpha').value);
      $('alpha-value').textContent = state.alpha.toFixed(2);
      refreshSeg();
    });
    $('outline-toggle').addEventListener('change', () => {
      state.outline = $('outline-toggle').checked;
      $('outline-width').disabled = !state.outline;
      refreshSeg();
    });
    $('outline-width').addEventListener('input', () => {
      state.outlineWidth = Number($('outline-width').value);
      $('width-value').textContent = state.outlineWidth + ' px';
      if (state.outline) refreshSeg();
    });
    $('figure-button').addEventListener('click', downloadFigure);
  }

  function currentView() {
    const center = map.getCenter();
    return {x: center.lng, y: center.lat, z: state.z, zoom: map.getZoom()};
  }

  async function start() {
    bindControls();
    createMap();
    try {
      const hash = await loadSources();
      showSources(hash.view);
    } catch (error) {
      showMessage('Could not read the sources: ' + error.message);
    }
  }

  // For tests and the console: the state and the map.
  // idle(): no zoom animation and every shown layer's tiles loaded, the old layers gone.
  window.imageryViewer = {
    state: state,
    get map() { return map; },
    setZ: setZ,
    reference: reference,
    idle: () => Boolean(map) && !map._animatingZoom && imageLayers.length <= 1 &&
                segLayers.length <= 1 &&
                imageLayers.concat(segLayers).every((layer) => !layer.isLoading()),
  };

  start();
})();
