// The map of one network: its area of activity, its places (pickup points, shops, members)
// and its links (drawn by links.js). Configuration comes from data- attributes on
// #network-map. A network without a place of its own has no marker: its area is drawn.
import * as L from "../../vendor/leaflet/leaflet-src.esm.js";
import { drawLinks } from "./links.js";

const container = document.getElementById("network-map");

// Leaflet renders attributions as HTML; source attributions are data, so they are escaped.
function escapeText(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function parseBox(text) {
  const [minlon, minlat, maxlon, maxlat] = text.split(",").map(Number);
  return L.latLngBounds([minlat, minlon], [maxlat, maxlon]);
}

async function drawArea(map, url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) return null;
  const feature = await response.json();
  const area = L.geoJSON(feature, {
    style: {
      color: "#6a3d9a", weight: 2, fillOpacity: 0.12,
      dashArray: feature.properties.approximate ? "5 5" : null, className: "network-area",
    },
    interactive: false,
  }).addTo(map);
  area.bringToBack();
  container.dataset.area = feature.properties.method;
  return area;
}

if (container) {
  const config = container.dataset;
  const map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: escapeText(config.tileAttribution) }).addTo(map);
  if (config.dataAttribution) map.attributionControl.addAttribution(escapeText(config.dataAttribution));
  map.fitBounds(parseBox(config.region));
  const layer = drawLinks(map, L, config.geojsonUrl, { fit: !config.areaUrl });
  const area = config.areaUrl ? drawArea(map, config.areaUrl) : Promise.resolve(null);
  Promise.all([layer.ready, area])
    .then(([links, shape]) => {
      if (shape) {
        const bounds = shape.getBounds();
        if (links.getLayers().length) bounds.extend(links.getBounds());
        map.fitBounds(bounds.pad(0.1), { maxZoom: 13 });
      }
      container.dataset.loaded = "true";
    })
    .catch(() => { container.dataset.loaded = "error"; });
}
