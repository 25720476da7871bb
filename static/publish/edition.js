// The static edition's map: places from places.pmtiles (HTTP range requests through the
// pmtiles reader), drawn by Leaflet.VectorGrid; popups from places/<file>.json; search from
// search.json, fetched on first use. Every text from the data goes in through textContent.
(function () {
  'use strict';

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The same folding as regional_map.text.fold: lower case, no accents, words only.
  function fold(text) {
    return String(text || '').replace(/œ/g, 'oe').replace(/Œ/g, 'Oe').replace(/æ/g, 'ae')
      .replace(/Æ/g, 'Ae').replace(/ß/g, 'ss').normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^0-9a-z]+/g, ' ').trim();
  }

  function safeUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  // A VectorGrid layer whose tiles come from a PMTiles archive instead of a URL template:
  // the archive answers each tile with one range request; the tile's bytes are handed to
  // VectorGrid's own protobuf decoding through a short-lived blob: URL.
  const PMTilesGrid = L.VectorGrid.Protobuf.extend({
    initialize: function (archive, options) {
      this._archive = archive;
      L.VectorGrid.Protobuf.prototype.initialize.call(this, '', options);
    },
    _getVectorTilePromise: function (coords, tileBounds) {
      const decode = L.VectorGrid.Protobuf.prototype._getVectorTilePromise;
      return this._archive.getZxy(coords.z, coords.x, coords.y).then((tile) => {
        if (!tile || !tile.data) return { layers: {} };
        const url = URL.createObjectURL(new Blob([tile.data]));
        const view = Object.create(this);
        view._url = url;
        return decode.call(view, coords, tileBounds).finally(() => URL.revokeObjectURL(url));
      });
    },
    // A drawn point has no latitude and longitude of its own (it lives in tile pixels), yet
    // Leaflet asks a small circle for getLatLng() on every mouse event: without it, Leaflet
    // takes the mouse position, which is what the popup wants anyway.
    _createLayer: function (feat, pxPerExtent, layerStyle) {
      const layer = L.VectorGrid.Protobuf.prototype._createLayer.call(
        this, feat, pxPerExtent, layerStyle);
      if (layer) layer.getLatLng = null;
      return layer;
    },
  });

  const KIND_COLOURS = {
    farm_shop: '#2f7d4a', vending_machine: '#b5651d', market: '#7a3e9d', csa: '#1f6f8b',
    pickup_point: '#c0392b', cooperative: '#8a6d00',
  };

  function placeStyle(properties) {
    if (properties.cluster) {
      const radius = Math.min(15, 6 + Math.log2(properties.count) * 1.5);
      return { radius: radius, fill: true, fillColor: '#24573b', fillOpacity: 0.75,
        color: '#ffffff', weight: 2 };
    }
    return { radius: 6, fill: true, fillColor: KIND_COLOURS[properties.kind] || '#2f7d4a',
      fillOpacity: 0.9, color: '#ffffff', weight: 1.5 };
  }

  function detailsBody(container, feature, t) {
    const p = feature.properties || {};
    const address = [[p.street, p.housenumber].filter(Boolean).join(' '),
      [p.postcode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    if (address) container.appendChild(el('p', 'address', address));
    if (p.opening_hours) container.appendChild(el('p', 'hours', t.hours + ': ' + p.opening_hours));
    const products = p.product_names || p.products || [];
    if (products.length) {
      container.appendChild(el('p', 'products', t.products + ': ' + products.join(', ')));
    }
    const website = safeUrl(p.website);
    if (website) {
      const para = el('p');
      const link = el('a', null, website);
      link.href = website;
      link.rel = 'noopener';
      para.appendChild(link);
      container.appendChild(para);
    }
    const licence = [p.licence, p.attribution].filter(Boolean).join(' — ');
    if (licence) container.appendChild(el('p', 'licence', t.source + ': ' + licence));
  }

  function start(config) {
    const t = config.texts;
    const b = config.bounds;
    const map = L.map('map', { maxZoom: config.max_zoom, minZoom: 2 });
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    map.attributionControl.setPrefix(false);
    const credits = config.sources.map((s) => s.attribution || s.name).filter(Boolean);
    const escape = (text) => { const d = el('div', null, text); return d.innerHTML; };
    credits.forEach((text) => map.attributionControl.addAttribution(escape(text)));
    if (config.base_map && config.base_map.url) {
      L.tileLayer(config.base_map.url, {
        attribution: escape(config.base_map.attribution || ''), maxZoom: config.max_zoom,
      }).addTo(map);
    }

    const archive = new pmtiles.PMTiles(new URL(config.tiles, document.baseURI).href);
    const layer = new PMTilesGrid(archive, {
      vectorTileLayerStyles: { places: placeStyle },
      interactive: true,
      maxNativeZoom: config.max_zoom,
      rendererFactory: L.svg.tile,
      getFeatureId: (f) => f.properties.id,
    }).addTo(map);

    function openPlace(props, latlng) {
      const box = el('div', 'popup');
      box.appendChild(el('h2', null, props.name || t.no_name));
      box.appendChild(el('p', 'meta', [props.label || props.kind, props.city]
        .filter(Boolean).join(' · ')));
      const details = el('div', 'details', t.loading);
      box.appendChild(details);
      L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent(box).openOn(map);
      fetch('places/' + encodeURIComponent(props.file) + '.json')
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
        .then((feature) => { details.textContent = ''; detailsBody(details, feature, t); })
        .catch(() => { details.textContent = t.unavailable; });
    }

    layer.on('click', (e) => {
      const props = e.layer.properties || {};
      if (props.cluster) {
        const box = el('div', 'popup', t.cluster.replace('{count}', props.count));
        L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
        map.setView(e.latlng, Math.min(map.getZoom() + 2, config.max_zoom));
        return;
      }
      openPlace(props, e.latlng);
    });

    setUpSearch(map, openPlace, t);
    window.regionalMapEdition = { map: map, layer: layer, archive: archive };
  }

  function setUpSearch(map, openPlace, t) {
    const input = document.getElementById('search');
    const form = document.getElementById('search-form');
    const list = document.getElementById('results');
    let index = null;
    let loading = null;

    function load() {
      if (!loading) {
        loading = fetch('search.json').then((r) => r.json()).then((data) => {
          index = {
            places: data.places.map((row) => ({
              name: row[0], where: row[1], kind: row[2], lat: row[3], lon: row[4],
              file: row[5], products: row[6],
              text: ' ' + fold(row[0] + ' ' + row[1] + ' ' + row[2]),
            })),
            products: data.products.map((row) => ' ' + row[2]),
          };
        });
      }
      return loading;
    }

    function find(query) {
      const words = fold(query).split(' ').filter(Boolean);
      if (!words.length) return [];
      // For each word, the products one of whose names or synonyms starts with it.
      const productSets = words.map((w) => {
        const set = new Set();
        index.products.forEach((terms, i) => { if (terms.includes(' ' + w)) set.add(i); });
        return set;
      });
      const hits = index.places.filter((p) => words.every((w, i) => p.text.includes(' ' + w)
        || p.products.some((code) => productSets[i].has(code))));
      const folded = fold(query);
      const rank = (p) => (fold(p.name).startsWith(folded) ? 0
        : (' ' + fold(p.name)).includes(' ' + words[0]) ? 1 : 2);
      return hits.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    }

    function show(query) {
      const hits = find(query);
      list.textContent = '';
      if (!query.trim()) return;
      list.appendChild(el('li', 'note', hits.length + ' ' + (hits.length === 1 ? t.place : t.places)));
      hits.slice(0, 50).forEach((p) => {
        const item = el('li');
        const button = el('button', 'result');
        button.type = 'button';
        button.appendChild(el('span', 'name', p.name));
        button.appendChild(el('span', 'meta', [p.kind, p.where].filter(Boolean).join(' · ')));
        button.addEventListener('click', () => {
          const latlng = L.latLng(p.lat, p.lon);
          map.setView(latlng, Math.max(map.getZoom(), 14));
          openPlace({ name: p.name, label: p.kind, city: p.where, file: p.file }, latlng);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
    }

    let timer = null;
    input.addEventListener('focus', load, { once: true });
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => load().then(() => show(input.value)), 150);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      load().then(() => {
        show(input.value);
        const first = list.querySelector('button.result');
        if (first) first.click();
      });
    });
  }

  fetch('edition.json').then((r) => r.json()).then(start);
}());
