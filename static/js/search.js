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
