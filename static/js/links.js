// Links between places and networks, drawn as lines on any Leaflet map.
//
//   import { drawLinks } from "./links.js";
//   const layer = drawLinks(map, L, "/api/places/ID/links");   // or /api/networks/ID/links
//   await layer.ready;        // resolves to the layer once drawn (rejects on a failed fetch)
//   map.removeLayer(layer);   // removes the lines, their end points and the legend
//
// The URL returns GeoJSON: LineString features (properties.feature_type "link", type,
// from_name, to_name, label/type_label, schedule, note) and Point features for the ends.
// User text only enters the DOM through textContent.

export const LINK_COLORS = {
  member_of: "#6a3d9a",
  supplies: "#1f78b4",
  sells_products_of: "#33a02c",
  pickup_point_of: "#ff7f00",
  processes_for: "#e31a1c",
  exchanges_with: "#b15928",
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function linkTooltip(props) {
  const root = element("div", "link-tooltip");
  root.append(element("span", "link-from", props.from_name));
  root.append(element("span", "link-type", ` ${props.type_label || props.type} `));
  root.append(element("span", "link-to", props.to_name));
  if (props.schedule) root.append(element("span", "link-schedule", ` (${props.schedule})`));
  if (props.note) root.append(element("span", "link-note", ` — ${props.note}`));
  return root;
}

function endPopup(props) {
  const root = element("div", "popup");
  if (props.page) {
    const name = element("a", "popup-name", props.name);
    name.href = props.page;
    root.append(name);
  } else {
    root.append(element("span", "popup-name", props.name));
  }
  root.append(element("span", "popup-kind", props.kind_label || props.type_label || ""));
  return root;
}

function legendControl(L, types, labels) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = element("div", "link-legend leaflet-bar");
    box.setAttribute("role", "list");
    for (const type of types) {
      const row = element("div", "link-legend-row");
      row.setAttribute("role", "listitem");
      row.dataset.type = type;
      const swatch = element("span", "link-legend-swatch");
      swatch.style.backgroundColor = LINK_COLORS[type] || "#555"; // CSSOM: allowed by the CSP
      row.append(swatch, element("span", "link-legend-label", labels[type] || type));
      box.append(row);
    }
    return box;
  };
  return control;
}

/**
 * Draw the links of ``url`` on ``map`` in their own layer, and return that layer at once.
 * ``layer.ready`` is a Promise of the layer once drawn. Options: ``points`` (default true:
 * draw the linked places and networks as small circles), ``legend`` (default true),
 * ``fit`` (default false: fit the map to the drawn links).
 */
export function drawLinks(map, L, url, options = {}) {
  const layer = L.featureGroup();
  const settings = { points: true, legend: true, fit: false, ...options };
  let legend = null;
  layer.on("remove", () => { if (legend) legend.remove(); });
  layer.on("add", () => { if (legend) legend.addTo(map); });
  layer.addTo(map);
  layer.ready = fetch(url, { headers: { Accept: "application/geo+json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`links: ${response.status}`);
      return response.json();
    })
    .then((collection) => {
      const types = new Set();
      let lines = 0;
      for (const feature of collection.features || []) {
        const props = feature.properties || {};
        if (feature.geometry.type === "LineString") {
          const latlngs = feature.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
          const line = L.polyline(latlngs, {
            color: LINK_COLORS[props.type] || "#555",
            weight: 4,
            opacity: 0.85,
            dashArray: props.type === "exchanges_with" ? "6 6" : null,
            className: `link-line link-${props.type}`,
          });
          line.bindTooltip(() => linkTooltip(props), { sticky: true });
          layer.addLayer(line);
          types.add(props.type);
          lines += 1;
        } else if (settings.points && feature.geometry.type === "Point") {
          const [lon, lat] = feature.geometry.coordinates;
          const isNetwork = props.feature_type === "network";
          // A network without a place of its own: its links meet inside its area, shown as
          // a hollow ring, not as a point anyone could visit.
          const inArea = isNetwork && props.at === "area";
          const marker = L.circleMarker([lat, lon], {
            radius: isNetwork ? 9 : 6,
            color: isNetwork ? "#333" : "#1b5e20",
            weight: 2,
            fillColor: isNetwork ? "#ffd54f" : "#66bb6a",
            fillOpacity: inArea ? 0 : props.status === "closed" ? 0.3 : 0.9,
            dashArray: inArea ? "3 3" : null,
            className: inArea ? "link-end link-end-network link-end-area"
              : isNetwork ? "link-end link-end-network"
                : `link-end link-end-place link-end-kind-${props.kind || "place"}`,
          });
          marker.bindPopup(() => endPopup(props));
          marker.bindTooltip(() => element("span", null, props.name));
          layer.addLayer(marker);
        }
      }
      if (settings.legend && types.size) {
        legend = legendControl(L, [...types].sort(), collection.link_types || {});
        if (map.hasLayer(layer)) legend.addTo(map);
      }
      if (settings.fit && layer.getLayers().length) {
        map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 13 });
      }
      map.getContainer().dataset.linksDrawn = String(lines);
      return layer;
    });
  return layer;
}
