"""A static, self-contained HTML map of a selection, made with folium.

The file opens from disk with no network: folium's CDN scripts and styles are dropped and
Leaflet's own JS and CSS (from the ``xstatic-leaflet`` pip package) are inlined. Markers are
circle markers (vectors, no icon images to fetch). Popups are built in the browser with DOM
text nodes from JSON data, so no place name or description is ever parsed as HTML. The
sources' attribution and licence note are shown on the map and in a caption.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from regional_map.model import kind_label

_COLOURS = {
    "farm_shop": "#2f6b3b", "vending_machine": "#b5651d", "farmers_market": "#8e44ad",
    "pickup_point": "#1f6fb2", "beekeeper": "#c9a200",
}
_DEFAULT_COLOUR = "#555555"
_CDN_TAG = re.compile(r'<(script|link)\b[^>]*\b(src|href)="(https?:)?//[^"]*"[^>]*>(</script>)?',
                      re.IGNORECASE)


def _leaflet_assets() -> tuple[str, str]:
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)
    return (base / "leaflet.js").read_text("utf-8"), (base / "leaflet.css").read_text("utf-8")


def _json_for_script(data: object) -> str:
    """JSON that cannot end a ``<script>`` element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _marker_data(places: list[dict], lang: str) -> list[dict]:
    out = []
    for p in places:
        address = " ".join(filter(None, [p.get("street"), p.get("housenumber")]))
        town = " ".join(filter(None, [p.get("postcode"), p.get("city")]))
        out.append({
            "lat": p["lat"], "lon": p["lon"], "name": p["name"],
            "kind": kind_label(p["kind"], lang),
            "colour": _COLOURS.get(p["kind"], _DEFAULT_COLOUR),
            "address": ", ".join(filter(None, [address, town])),
            "hours": p.get("opening_hours") or "",
            "website": p.get("website") or "",
            "status": "" if p.get("status") == "active" else p.get("status", ""),
        })
    return out


# Runs in the saved file; builds every popup with textContent (never innerHTML).
_MARKERS_JS = """
(function () {
  var map = %(map)s;
  var places = %(places)s;
  var group = L.featureGroup();
  places.forEach(function (p) {
    var box = document.createElement("div");
    box.className = "rm-popup";
    var fields = [["rm-name", p.name], ["rm-kind", p.kind], ["rm-line", p.address],
                  ["rm-line", p.hours], ["rm-line", p.status]];
    fields.forEach(function (f) {
      if (!f[1]) { return; }
      var line = document.createElement(f[0] === "rm-name" ? "strong" : "span");
      line.className = f[0];
      line.textContent = f[1];
      box.appendChild(line);
    });
    if (/^https?:\\/\\//.test(p.website)) {
      var a = document.createElement("a");
      a.href = p.website; a.rel = "noopener noreferrer"; a.textContent = p.website;
      box.appendChild(a);
    }
    L.circleMarker([p.lat, p.lon], {radius: 6, weight: 1, color: "#fff",
      fillColor: p.colour, fillOpacity: 0.9}).bindPopup(box).addTo(group);
  });
  group.addTo(map);
  if (places.length) { map.fitBounds(group.getBounds(), {padding: [20, 20], maxZoom: 15}); }
})();
"""

_CAPTION_CSS = """
.rm-caption { position: absolute; left: 56px; right: 10px; top: 10px; z-index: 1000;
  max-width: 40rem; background: rgba(255,255,255,.92); font: 12px/1.4 sans-serif;
  padding: 4px 8px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.rm-caption h1 { font-size: 14px; margin: 0; }
.rm-popup span, .rm-popup strong, .rm-popup a { display: block; }
.rm-kind { color: #555; }
"""


def places_map_html(places: list[dict], *, title: str, attributions: list[str],
                    licence_note: str, tile_url: str | None, tile_attribution: str,
                    lang: str = "en") -> str:
    """The whole HTML document of a map of ``places`` (the internal place shape)."""
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    center = [50.8, 4.4]
    if places:
        center = [sum(p["lat"] for p in places) / len(places),
                  sum(p["lon"] for p in places) / len(places)]
    fmap = folium.Map(location=center, zoom_start=8, tiles=None, prefer_canvas=False,
                      control_scale=False)
    # No CDN: the Leaflet assets are inlined below, nothing else is needed.
    fmap.default_js = []
    fmap.default_css = []
    data_credit = "; ".join(html.escape(a) for a in attributions if a)
    if tile_url:
        # Tiles are the one thing that needs the network; without it the markers still show.
        folium.TileLayer(tiles=tile_url, attr=html.escape(tile_attribution), name="map",
                         max_zoom=19).add_to(fmap)
    js, css = _leaflet_assets()
    root = fmap.get_root()
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    root.header.add_child(Element(f"<style>{_CAPTION_CSS}</style>"), name="caption_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")

    markers = MacroElement()
    markers._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
    markers.code = _MARKERS_JS % {"map": fmap.get_name(),
                                  "places": _json_for_script(_marker_data(places, lang))}
    fmap.add_child(markers)
    fmap.get_root().html.add_child(Element(
        f'<div class="rm-caption"><h1>{html.escape(title)}</h1>'
        f"<div>{len(places)} places. Data: {data_credit}.</div>"
        f"<div>{html.escape(licence_note)}</div></div>"))
    if data_credit:
        attribution = MacroElement()
        attribution._template = Template(
            "{% macro script(this, kwargs) %}{{ this._parent.get_name() }}"
            ".attributionControl.addAttribution({{ this.text }});{% endmacro %}")
        attribution.text = _json_for_script(data_credit)
        fmap.add_child(attribution)
    document = root.render()
    return _CDN_TAG.sub("", document)
