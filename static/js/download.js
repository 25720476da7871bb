// "Download this view": links to /api/export (the same export code as the CLI) for the map's
// filters and its current view. User text never enters the DOM as HTML.
const FORMATS = [["geojson", "GeoJSON"], ["csv", "CSV"], ["gpkg", "GeoPackage"], ["html", "HTML map"]];

// container: an element holding <a data-format="…" href="/api/export?…"> links rendered by the
// server (with the page's filters and language), or an empty element (links are then built
// from baseParams, a query string, and exportUrl). Returns { setBbox(text), links }.
export function downloadLinks(container, baseParams = "", exportUrl = "/api/export") {
  if (!container) return null;
  let links = Array.from(container.querySelectorAll("a[data-format]"));
  if (links.length === 0) {
    const url = container.dataset.exportUrl || exportUrl;
    links = FORMATS.map(([format, label]) => {
      const a = document.createElement("a");
      a.dataset.format = format;
      a.textContent = label;
      const query = new URLSearchParams(baseParams || "");
      query.set("format", format);
      a.href = `${url}?${query}`;
      container.append(a);
      return a;
    });
  }
  const bases = links.map((a) => new URL(a.getAttribute("href"), window.location.href));

  function setBbox(bbox) {
    links.forEach((a, i) => {
      const url = new URL(bases[i]);
      if (bbox) url.searchParams.set("bbox", bbox);
      a.href = `${url.pathname}?${url.searchParams}`;
    });
    container.dataset.bbox = bbox || "";
  }

  return { setBbox, links };
}
