// A municipality's boundary on a Leaflet map: addBoundary(map, L, geojsonUrl) fetches the
// GeoJSON (a Feature or FeatureCollection, e.g. /api/municipalities/<code>), draws it and
// resolves to the layer, or to null when the municipality has no boundary.
export async function addBoundary(map, L, geojsonUrl, { fit = true, style = {} } = {}) {
  const response = await fetch(geojsonUrl);
  if (!response.ok) return null;
  const data = await response.json();
  if (data.type === "Feature" && !data.geometry) return null;
  const layer = L.geoJSON(data, {
    interactive: false,
    style: { color: "#1f4d1f", weight: 3, fill: false, dashArray: "6 4", ...style },
  }).addTo(map);
  if (fit) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  return layer;
}
