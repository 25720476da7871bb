// The map: the one module that talks to Leaflet.
// Configuration comes from data- attributes on #map; user text only ever enters the DOM
// through textContent, never as HTML.
import * as L from "../../vendor/leaflet/leaflet-src.esm.js";
import { downloadLinks } from "./download.js";
import { drawLinks } from "./links.js";

const container = document.getElementById("map");
const config = container ? container.dataset : {};
const messages = config.i18n ? JSON.parse(config.i18n) : {};

function t(key, n) {
  const text = messages[key] || key;
  return n === undefined ? text : text.replace("{n}", String(n));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function parseBox(text) {
  const [minlon, minlat, maxlon, maxlat] = text.split(",").map(Number);
  return L.latLngBounds([minlat, minlon], [maxlat, maxlon]);
}

// Leaflet renders attributions as HTML; source attributions are data (an importer sets them),
// so they are escaped first.
function escapeText(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function baseMap(options = {}) {
  const map = L.map(container, options);
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: escapeText(config.tileAttribution) }).addTo(map);
  if (config.dataAttribution) map.attributionControl.addAttribution(escapeText(config.dataAttribution));
  return map;
}

// ---- A place page: one marker on a small map ------------------------------------------
function placeMap() {
  const map = baseMap({ scrollWheelZoom: false });
  const point = [Number(config.lat), Number(config.lon)];
  map.setView(point, 15);
  L.marker(point, { title: config.name, alt: config.name }).addTo(map);
  container.dataset.loaded = "true";
}

// ---- The directory map: server-side clusters that follow the list's filters -----------
function viewFromHash() {
  const match = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (!match) return null;
  return { zoom: Number(match[1]), center: [Number(match[2]), Number(match[3])] };
}

function fillPopup(root, props) {
  root.replaceChildren();
  root.append(element("span", "popup-name", props.name));
  root.append(element("span", "popup-kind", props.kind_label));
  if (props.address) root.append(element("span", "popup-line popup-address", props.address));
  root.append(element("span", `popup-line popup-hours hours-${props.hours_state}`, props.hours));
  const more = element("a", "popup-line popup-page", t("more"));
  more.href = props.page;
  root.append(more);
  const data = element("a", "popup-line popup-json", t("data"));
  data.href = props.url;
  root.append(data);
}

// Markers arrive in the compact shape (id, name, kind); a popup fetches its details when it
// opens, so a view of many places stays small on the wire.
const details = new Map();
function popupContent(props, popup) {
  const root = element("div", "popup");
  root.append(element("span", "popup-name", props.name));
  const known = details.get(props.id);
  if (known) { fillPopup(root, known); return root; }
  root.dataset.loading = "true";
  // The place endpoint sits beside the clusters endpoint (the same /api prefix).
  const url = config.clustersUrl.replace(/clusters$/, `places/${encodeURIComponent(props.id)}`);
  const query = new URLSearchParams({ shape: "marker" });
  if (config.lang) query.set("lang", config.lang);
  fetch(`${url}?${query}`)
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
    .then((feature) => {
      details.set(props.id, feature.properties);
      fillPopup(root, feature.properties);
      delete root.dataset.loading;
      if (popup) popup.update();
    })
    .catch(() => { root.append(element("span", "popup-line", t("load_error"))); });
  return root;
}

function clusterIcon(count) {
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  const inner = element("div");
  inner.append(element("span", null, String(count)));
  return L.divIcon({ html: inner, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40) });
}

function directoryMap() {
  const status = document.getElementById("map-status");
  const searchArea = document.getElementById("search-area");
  const map = baseMap();
  const layer = L.layerGroup().addTo(map);
  const markers = new Map();
  const downloads = downloadLinks(document.getElementById("download-view"), config.query);
  let highlight = null;
  let controller = null;
  let userMoved = false;

  const initial = viewFromHash();
  const params = new URLSearchParams(config.query || "");
  if (config.near) {
    // Where "near" is: the typed postcode or town, or the visitor's own position.
    const [lat, lon] = config.near.split(",").map(Number);
    L.circleMarker([lat, lon], { radius: 7, color: "#1d4ed8", weight: 3, fillOpacity: 0.6, interactive: false }).addTo(map);
  }
  function initialView() {
    if (initial) {
      map.setView(initial.center, initial.zoom);
    } else if (config.near) {
      const [lat, lon] = config.near.split(",").map(Number);
      const radiusKm = Number(params.get("radius_km")) || 0;
      if (radiusKm) map.fitBounds(L.latLng(lat, lon).toBounds(radiusKm * 2000));
      else map.setView([lat, lon], 11);
    } else if (params.get("bbox")) {
      map.fitBounds(parseBox(params.get("bbox")));
    } else if (config.bounds) {
      map.fitBounds(parseBox(config.bounds).pad(0.05), { maxZoom: 15 });
    } else {
      map.fitBounds(parseBox(config.region));
    }
  }
  // A map hidden at first (a phone showing the list) has no size: it takes its first view
  // when it is shown.
  let placed = container.offsetWidth > 0;
  if (placed) initialView();
  else map.setView([0, 0], 2);

  // Places placed at the same point (a town centre, one address) are spread on a small ring,
  // so that each marker can be seen and clicked.
  function spread(features) {
    const groups = new Map();
    for (const feature of features) {
      if (feature.properties.cluster) continue;
      const key = feature.geometry.coordinates.join(",");
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(feature);
    }
    const positions = new Map();
    for (const group of groups.values()) {
      const [lon, lat] = group[0].geometry.coordinates;
      if (group.length === 1) { positions.set(group[0], [lat, lon]); continue; }
      const centre = map.latLngToLayerPoint([lat, lon]);
      const radius = 14 + 3 * group.length;
      group.forEach((feature, i) => {
        const angle = (2 * Math.PI * i) / group.length;
        const point = L.point(centre.x + radius * Math.cos(angle), centre.y + radius * Math.sin(angle));
        const moved = map.layerPointToLatLng(point);
        positions.set(feature, [moved.lat, moved.lng]);
      });
    }
    return positions;
  }

  function draw(collection) {
    layer.clearLayers();
    markers.clear();
    const positions = spread(collection.features);
    for (const feature of collection.features) {
      // The compact shape carries the id once, as the feature's id.
      const props = feature.id === undefined ? feature.properties : { id: feature.id, ...feature.properties };
      const [lat, lon] = positions.get(feature) || [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      if (props.cluster) {
        const marker = L.marker([lat, lon], { icon: clusterIcon(props.count), title: t("cluster_title", props.count) });
        const [minlon, minlat, maxlon, maxlat] = props.bbox;
        marker.on("click", () => {
          const bounds = L.latLngBounds([minlat, minlon], [maxlat, maxlon]);
          if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
            map.setView(bounds.getCenter(), Math.min(map.getZoom() + 3, 19));
          } else {
            map.fitBounds(bounds.pad(0.1));
          }
        });
        layer.addLayer(marker);
      } else {
        const marker = L.marker([lat, lon], { title: props.name, alt: props.name });
        marker.bindPopup((layer) => popupContent(props, layer.getPopup()));
        marker.on("popupopen", () => {
          if (config.placeLinksUrl) showLinks(config.placeLinksUrl.replace("__ID__", encodeURIComponent(props.id)));
          container.dispatchEvent(new CustomEvent("place-selected", { detail: props }));
        });
        markers.set(props.id, marker);
        layer.addLayer(marker);
      }
    }
    const n = collection.numberMatched;
    status.textContent = n === 1 ? t("one_place_in_view") : t("places_in_view", n);
    // An empty view without filters means no data was loaded there, not "nothing exists".
    const unfiltered = [...new URLSearchParams(config.query || "").keys()].length === 0;
    const empty = n === 0 && unfiltered;
    container.classList.toggle("no-data", empty);
    if (empty) status.textContent = t("no_data");
    container.dataset.loaded = "true";
  }

  async function refresh() {
    if (!placed) {
      container.dataset.loaded = "true"; // nothing to load while the map is not shown
      return;
    }
    if (config.places === "none") {
      // A network or town matched the search as typed: places one typo away are not shown.
      draw({ features: [], numberMatched: 0 });
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    container.dataset.loaded = "false";
    const bounds = map.getBounds();
    const query = new URLSearchParams(config.query || "");
    const bbox = [
      Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
      Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90),
    ].map((v) => v.toFixed(5));
    query.set("bbox", bbox.join(","));
    if (downloads) downloads.setBbox(bbox.join(","));
    query.set("zoom", String(map.getZoom()));
    query.set("shape", "compact");
    if (config.lang) query.set("lang", config.lang);
    try {
      const response = await fetch(`${config.clustersUrl}?${query}`, { signal: controller.signal });
      const body = await response.json();
      if (!response.ok) {
        status.textContent = body.error ? body.error.message : t("load_error");
        return;
      }
      draw(body);
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = t("load_error");
    }
  }

  // Selecting a place (its popup) or a network (the filter) draws its links as lines.
  let linksLayer = null;
  function showLinks(url) {
    if (linksLayer) map.removeLayer(linksLayer);
    linksLayer = drawLinks(map, L, url);
  }
  if (config.networkLinksUrl && params.get("network")) {
    showLinks(config.networkLinksUrl.replace("__ID__", encodeURIComponent(params.get("network"))));
  }

  // Hovering or focusing a list item rings its place on the map.
  function ring(item) {
    if (highlight) highlight.remove();
    const point = [Number(item.dataset.lat), Number(item.dataset.lon)];
    highlight = L.circleMarker(point, { radius: 18, color: "#c2410c", weight: 4, fill: false, interactive: false }).addTo(map);
    container.dataset.highlighted = item.dataset.id;
  }
  function unring() {
    if (highlight) highlight.remove();
    highlight = null;
    delete container.dataset.highlighted;
  }
  for (const item of document.querySelectorAll(".result")) {
    item.addEventListener("mouseenter", () => ring(item));
    item.addEventListener("mouseleave", unring);
    item.addEventListener("focusin", () => ring(item));
    item.addEventListener("focusout", unring);
  }

  // "Search this area": the list follows the map's view only when asked, so it never jumps.
  if (searchArea) {
    searchArea.addEventListener("click", () => {
      const b = map.getBounds();
      const url = new URL(window.location.href);
      for (const key of ["near", "where", "offset", "radius_km"]) url.searchParams.delete(key);
      url.searchParams.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(","));
      url.hash = "";
      window.location.assign(url.toString());
    });
  }

  // Networks' areas of activity: drawn as areas, never as points on a headquarters.
  // A chosen network without places of its own: show its area.
  const fitArea = !initial && !config.bounds && !config.near && !params.get("bbox");
  if (config.areasUrl) drawAreas(map, config.areasUrl, params.get("network"), fitArea);
  window.addEventListener("view-changed", () => {
    map.invalidateSize();
    if (!placed && container.offsetWidth > 0) {
      placed = true;
      initialView();
    }
  });

  map.on("movestart", () => { userMoved = true; });
  map.on("moveend", () => {
    if (!placed) return;
    const c = map.getCenter();
    history.replaceState(history.state, "", `${window.location.pathname}${window.location.search}#${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
    if (searchArea && userMoved) searchArea.hidden = false;
    refresh();
  });
  userMoved = false;
  refresh();
  container.regionalMap = { map, L, markers };
}

function areaTooltip(props) {
  const root = element("div", "area-tooltip");
  root.append(element("span", "popup-name", t("area_of", props.name)));
  if (props.schedule) root.append(element("span", "popup-line", props.schedule));
  return root;
}

async function drawAreas(map, url, selected, fit) {
  const query = new URLSearchParams(config.lang ? { lang: config.lang } : {});
  const response = await fetch(`${url}?${query}`);
  if (!response.ok) return;
  const collection = await response.json();
  const layer = L.geoJSON(collection, {
    interactive: true,
    style: (feature) => ({
      color: feature.properties.network === selected ? "#b45309" : "#6a3d9a",
      weight: feature.properties.network === selected ? 3 : 1.5,
      fillOpacity: 0.06, dashArray: feature.properties.approximate ? "4 4" : null,
      className: `network-area network-area-${feature.properties.network}`,
    }),
    onEachFeature: (feature, shape) => {
      shape.bindTooltip(() => areaTooltip(feature.properties), { sticky: true });
      shape.bindPopup(() => {
        const root = areaTooltip(feature.properties);
        const link = element("a", "popup-line popup-page", feature.properties.name);
        link.href = feature.properties.page;
        root.append(link);
        return root;
      });
    },
  });
  layer.addTo(map);
  layer.bringToBack();
  if (selected && fit) {
    const chosen = layer.getLayers().find((shape) => shape.feature.properties.network === selected);
    if (chosen) map.fitBounds(chosen.getBounds().pad(0.1), { maxZoom: 13 });
  }
  container.dataset.areas = String(collection.features.length);
}

if (container) {
  if (config.mode === "place") placeMap();
  else directoryMap();
}
