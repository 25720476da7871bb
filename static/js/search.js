// The search form's enhancements: "use my location" and clean URLs.
// Without JavaScript the form still works: it is a plain GET form.
const form = document.getElementById("search");
const locate = document.getElementById("locate");
const near = document.getElementById("near");
const where = document.getElementById("where");

if (form && locate && "geolocation" in navigator) {
  locate.hidden = false;
  locate.addEventListener("click", () => {
    locate.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        near.value = `${position.coords.latitude.toFixed(5)},${position.coords.longitude.toFixed(5)}`;
        where.value = "";
        form.requestSubmit();
      },
      () => {
        locate.disabled = false;
        where.focus();
      },
      { timeout: 10000, maximumAge: 60000 },
    );
  });
}

if (form) {
  // A typed place replaces an earlier "my location"; empty fields stay out of the URL so
  // that shared links are short and readable.
  where.addEventListener("input", () => { near.value = ""; });
  form.addEventListener("submit", () => {
    for (const field of form.querySelectorAll("input, select")) {
      if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
    }
  });
  window.addEventListener("pageshow", () => {
    for (const field of form.querySelectorAll("input, select")) field.disabled = false;
  });
}

// ---- Phone first: filters in a sheet, a list/map toggle ---------------------------------
// Without JavaScript the filters stay in the page and list and map are both shown.
document.documentElement.classList.add("js");
const filters = document.getElementById("filters");
const filtersToggle = document.getElementById("filters-toggle");
const filtersClose = document.getElementById("filters-close");
if (filters && filtersToggle) {
  filtersToggle.hidden = false;
  if (filtersClose) filtersClose.hidden = false;
  const setOpen = (open) => {
    filters.classList.toggle("open", open);
    filtersToggle.setAttribute("aria-expanded", String(open));
    if (open) (filters.querySelector("input, select") || filters).focus();
    else filtersToggle.focus();
  };
  filtersToggle.addEventListener("click", () => setOpen(!filters.classList.contains("open")));
  if (filtersClose) filtersClose.addEventListener("click", () => setOpen(false));
  filters.addEventListener("keydown", (event) => { if (event.key === "Escape") setOpen(false); });
}

const layout = document.getElementById("results-layout");
const viewToggle = document.getElementById("view-toggle");
if (layout && viewToggle) {
  viewToggle.hidden = false;
  for (const button of viewToggle.querySelectorAll("button[data-view]")) {
    button.addEventListener("click", () => {
      layout.dataset.view = button.dataset.view;
      for (const other of viewToggle.querySelectorAll("button[data-view]")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      // The map measures itself again once it is visible (map.js listens).
      window.dispatchEvent(new CustomEvent("view-changed", { detail: button.dataset.view }));
    });
  }
}

// ---- Suggestions while typing: /api/search, grouped, as links (text via textContent) ----
const q = document.getElementById("q");
const suggestions = document.getElementById("suggestions");
if (q && suggestions && q.dataset.searchUrl) {
  let timer = null;
  let controller = null;
  const close = () => { suggestions.hidden = true; suggestions.replaceChildren(); };
  q.addEventListener("input", () => {
    clearTimeout(timer);
    const text = q.value.trim();
    if (text.length < 3) { close(); return; }
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const params = new URLSearchParams({ q: text, limit: "3", lang: q.dataset.lang || "" });
        const response = await fetch(`${q.dataset.searchUrl}?${params}`, { signal: controller.signal });
        if (!response.ok) { close(); return; }
        const body = await response.json();
        suggestions.replaceChildren();
        if (body.showing_results_for) {
          const note = document.createElement("li");
          note.className = "suggestion-note";
          note.textContent = `→ ${body.showing_results_for}`;
          suggestions.append(note);
        }
        for (const group of body.groups) {
          const heading = document.createElement("li");
          heading.className = "suggestion-group";
          heading.textContent = group.label;
          suggestions.append(heading);
          for (const item of group.items) {
            const li = document.createElement("li");
            li.className = "suggestion";
            li.dataset.type = item.type;
            const link = document.createElement("a");
            link.href = item.url;
            link.textContent = item.name;
            li.append(link);
            if (item.kind_label) {
              const kind = document.createElement("span");
              kind.className = "result-kind";
              kind.textContent = ` ${item.kind_label}`;
              li.append(kind);
            }
            suggestions.append(li);
          }
        }
        suggestions.hidden = body.groups.length === 0;
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }, 200);
  });
  // Arrow keys move between the suggestions; Escape closes them and returns to the box.
  const links = () => [...suggestions.querySelectorAll("a")];
  q.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    if (event.key === "ArrowDown" && !suggestions.hidden && links().length) {
      event.preventDefault();
      links()[0].focus();
    }
  });
  suggestions.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : q).focus(); }
    if (event.key === "Escape") { close(); q.focus(); }
  });
  document.addEventListener("click", (event) => { if (!suggestions.contains(event.target) && event.target !== q) close(); });
}
