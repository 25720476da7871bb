// The showcase map of one municipality: its boundary, its places and the coverage-gap layer.
// Configuration comes from data- attributes; user text enters the DOM only via textContent.
import * as L from "../../vendor/leaflet/leaflet-src.esm.js";
import { addBoundary } from "./boundary.js";

const container = document.getElementById("municipality-map");

function escaped(text) {
  const holder = document.createElement("span");
  holder.textContent = text;
  return holder.innerHTML;
}

function popup(props) {
  const root = document.createElement("div");
  const link = document.createElement("a");
  link.href = `/places/${encodeURIComponent(props.id)}`;
  link.textContent = props.name;
  const kind = document.createElement("div");
  kind.textContent = props.kind_label || props.kind;
  root.append(link, kind);
  return root;
}

async function init() {
  const config = container.dataset;
  const map = L.map(container);
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
  // Leaflet renders attributions as HTML: hand it the sources' text escaped, never as markup.
  if (config.dataAttribution) map.attributionControl.addAttribution(escaped(config.dataAttribution));
  if (config.center) {
    const [lat, lon] = config.center.split(",").map(Number);
    map.setView([lat, lon], 12);
  } else {
    map.setView([50.8, 4.5], 8);
  }
  const overlays = {};
  const boundary = await addBoundary(map, L, config.boundaryUrl);
  if (boundary) overlays[config.labelBoundary] = boundary;

  const places = L.layerGroup().addTo(map);
  const response = await fetch(config.placesUrl);
  if (response.ok) {
    const body = await response.json();
    for (const feature of body.features) {
      const [lon, lat] = feature.geometry.coordinates;
      L.circleMarker([lat, lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#2f6b2f", fillOpacity: 0.95 })
        .bindPopup(() => popup(feature.properties)).addTo(places);
    }
    container.dataset.places = String(body.features.length);
  }
  overlays[config.labelPlaces] = places;

  if (config.coverageUrl) {
    const gaps = await fetch(config.coverageUrl);
    if (gaps.ok) {
      const layer = L.geoJSON(await gaps.json(), {
        interactive: false, style: { color: "#b45309", weight: 1, fillColor: "#f59e0b", fillOpacity: 0.35 },
      }).addTo(map);
      overlays[config.labelGaps] = layer;
      container.dataset.coverage = "true";
    }
  }
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  container.dataset.loaded = "true";
}

if (container) init();
