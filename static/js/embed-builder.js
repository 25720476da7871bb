// The embed builder: every change of the form asks the server for the snippet (one source of
// truth for the URL), then shows it in the textarea and loads the very same src in the preview.
const form = document.getElementById("embed-form");
const output = document.getElementById("embed-snippet");
const preview = document.getElementById("embed-preview");
const copy = document.getElementById("copy-snippet");
let controller = null;
let timer = null;

async function update() {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (value !== "") query.append(name, value);
  }
  query.set("format", "json");
  if (controller) controller.abort();
  controller = new AbortController();
  try {
    const response = await fetch(`${form.dataset.jsonUrl}?${query}`, { signal: controller.signal });
    if (!response.ok) return;
    const result = await response.json();
    output.value = result.snippet;
    if (preview.getAttribute("src") !== result.src) preview.setAttribute("src", result.src);
    preview.setAttribute("height", String(result.height));
    preview.title = result.title;
    query.delete("format");
    history.replaceState(history.state, "", `${window.location.pathname}?${query}`);
  } catch (error) {
    if (error.name !== "AbortError") throw error;
  }
}

if (form) {
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 300); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(update, 50); });
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", () => navigator.clipboard.writeText(output.value));
  }
}
