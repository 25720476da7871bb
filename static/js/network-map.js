// The map of one network: its places, its anchor and its links (drawn by links.js).
// Configuration comes from data- attributes on #network-map.
import * as L from "../../vendor/leaflet/leaflet-src.esm.js";
import { drawLinks } from "./links.js";

const container = document.getElementById("network-map");

function parseBox(text) {
  const [minlon, minlat, maxlon, maxlat] = text.split(",").map(Number);
  return L.latLngBounds([minlat, minlon], [maxlat, maxlon]);
}

if (container) {
  const config = container.dataset;
  const map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
  map.fitBounds(parseBox(config.region));
  const layer = drawLinks(map, L, config.geojsonUrl, { fit: true });
  layer.ready
    .then(() => { container.dataset.loaded = "true"; })
    .catch(() => { container.dataset.loaded = "error"; });
}
