// The embedded map's extras, on top of map.js (which draws the places from the same data-
// attributes as the map page): the municipalities' boundaries, an initial zoom, and gesture
// handling, so that scrolling the host page never gets trapped by the map.
import { addBoundary } from "./boundary.js";

const container = document.getElementById("map");

function setup() {
  const handle = container && container.regionalMap;
  if (!handle) return;
  const { map, L } = handle;
  const config = container.dataset;
  const hint = document.getElementById("gesture-hint");
  let active = false;
  let hintTimer = null;

  // Wheel zoom and (on touch screens) one-finger dragging wait until the map is clicked or
  // focused; ctrl/⌘ + wheel zooms at once, as on the big map sites.
  map.scrollWheelZoom.disable();
  if (L.Browser.mobile) map.dragging.disable();
  const activate = () => {
    if (active) return;
    active = true;
    map.scrollWheelZoom.enable();
    if (L.Browser.mobile) map.dragging.enable();
    hint.hidden = true;
    container.dataset.gesture = "active";
  };
  const deactivate = () => {
    active = false;
    map.scrollWheelZoom.disable();
    if (L.Browser.mobile) map.dragging.disable();
    container.dataset.gesture = "idle";
  };
  container.dataset.gesture = "idle";
  container.addEventListener("click", activate);
  container.addEventListener("focus", activate);
  container.addEventListener("mouseleave", deactivate);
  container.addEventListener("blur", deactivate);
  let lastZoom = 0;
  container.addEventListener("wheel", (event) => {
    if (active) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      const now = Date.now();
      if (now - lastZoom < 250) return;
      lastZoom = now;
      const point = map.mouseEventToContainerPoint(event);
      map.setZoomAround(point, map.getZoom() + (event.deltaY < 0 ? 1 : -1));
      return;
    }
    hint.hidden = false;
    clearTimeout(hintTimer);
    hintTimer = setTimeout(() => { hint.hidden = true; }, 1800);
  }, { passive: false });

  if (config.zoom) map.setZoom(Number(config.zoom));
  const track = () => { container.dataset.currentZoom = String(map.getZoom()); };
  map.on("zoomend", track);
  track();
  for (const url of (config.boundaryUrls || "").split(" ").filter(Boolean)) {
    addBoundary(map, L, url, { fit: false });
  }
}

setup();
