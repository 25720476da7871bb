// The map: the one module that talks to Leaflet.
// Configuration comes from data- attributes on #map; user text only ever enters the DOM
// through textContent, never as HTML.
import * as L from "../../vendor/leaflet/leaflet-src.esm.js";

const container = document.getElementById("map");
const status = document.getElementById("map-status");
const config = container.dataset;

function parseBox(text) {
  const [minlon, minlat, maxlon, maxlat] = text.split(",").map(Number);
  return L.latLngBounds([minlat, minlon], [maxlat, maxlon]);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// The view can be given in the URL hash as #zoom/lat/lon, so a view can be shared.
function viewFromHash() {
  const match = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (!match) return null;
  return { zoom: Number(match[1]), center: [Number(match[2]), Number(match[3])] };
}

const map = L.map(container, { zoomControl: true });
L.tileLayer(config.tileUrl, {
  maxZoom: 19,
  attribution: config.tileAttribution,
}).addTo(map);
map.attributionControl.addAttribution(config.dataAttribution);

const initial = viewFromHash();
if (initial) {
  map.setView(initial.center, initial.zoom);
} else {
  map.fitBounds(parseBox(config.region));
}

const layer = L.layerGroup().addTo(map);
let controller = null;

function popupContent(props) {
  const root = element("div", "popup");
  root.append(element("span", "popup-name", props.name));
  root.append(element("span", "popup-kind", props.kind_label));
  if (props.address) root.append(element("span", "popup-line popup-address", props.address));
  const hours = props.opening_hours ? `Hours: ${props.opening_hours}` : "Hours unknown";
  root.append(element("span", "popup-line popup-hours", hours));
  const link = element("a", "popup-line popup-json", "Data (JSON)");
  link.href = props.url;
  root.append(link);
  return root;
}

function clusterIcon(count) {
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  const inner = element("div");
  inner.append(element("span", null, String(count)));
  return L.divIcon({
    html: inner,
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(40, 40),
  });
}

function draw(collection) {
  layer.clearLayers();
  for (const feature of collection.features) {
    const [lon, lat] = feature.geometry.coordinates;
    const props = feature.properties;
    if (props.cluster) {
      const marker = L.marker([lat, lon], {
        icon: clusterIcon(props.count),
        title: `${props.count} places`,
        keyboard: true,
      });
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
      const marker = L.marker([lat, lon], { title: props.name, alt: props.name, keyboard: true });
      marker.feature = feature;
      marker.bindPopup(() => popupContent(props));
      layer.addLayer(marker);
    }
  }
  const shown = collection.numberMatched;
  status.textContent = `${shown} place${shown === 1 ? "" : "s"} in this view`;
  container.dataset.loaded = "true";
}

async function refresh() {
  if (controller) controller.abort();
  controller = new AbortController();
  const bounds = map.getBounds();
  const params = new URLSearchParams(window.location.search);
  const bbox = [
    Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
    Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90),
  ].map((v) => v.toFixed(5));
  params.set("bbox", bbox.join(","));
  params.set("zoom", String(map.getZoom()));
  if (config.lang) params.set("lang", config.lang);
  try {
    const response = await fetch(`${config.clustersUrl}?${params}`, { signal: controller.signal });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = body.error ? body.error.message : "The map could not load places.";
      return;
    }
    draw(body);
  } catch (error) {
    if (error.name !== "AbortError") status.textContent = "The map could not load places.";
  }
}

map.on("moveend", () => {
  const c = map.getCenter();
  history.replaceState(null, "", `${window.location.search}#${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
  refresh();
});
refresh();
