"""The first map view in headless Chromium (Debian's, through Playwright) over loopback:
bytes transferred (HTML, JS, CSS, data; tiles excluded) and time until markers are drawn."""

from __future__ import annotations

import shutil

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def first_views(base_url: str, views: dict[str, str], runs: int = 3) -> list[dict]:
    """For each named view (a URL fragment like ``#16/50.85/4.35``, or "" for the default),
    the median of ``runs`` cold loads: ms until markers show, and bytes transferred."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            for name, fragment in views.items():
                samples = [_load(browser, base_url, fragment) for _ in range(runs)]
                samples.sort(key=lambda s: s["ms_to_markers"])
                middle = samples[len(samples) // 2]
                results.append({"view": name, "url": "/" + fragment, **middle})
        finally:
            browser.close()
    return results


def _load(browser, base_url: str, fragment: str) -> dict:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    transferred = {"bytes": 0, "requests": 0}

    def route(route):  # tiles and anything not ours are refused (not counted)
        if route.request.url.startswith(base_url):
            return route.continue_()
        return route.abort()

    def finished(request):
        if request.url.startswith(base_url):
            sizes = request.sizes()
            transferred["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            transferred["requests"] += 1

    page.route("**/*", route)
    page.on("requestfinished", finished)
    try:
        page.goto(f"{base_url}/{fragment}", wait_until="commit")
        page.wait_for_function(
            "() => document.getElementById('map')?.dataset.loaded === 'true'"
            " && document.querySelector('.leaflet-marker-icon') !== null",
            polling="raf", timeout=30_000)
        ms = page.evaluate("performance.now()")
        markers = page.locator(".leaflet-marker-icon").count()
        page.wait_for_timeout(300)  # let the last responses finish so they are counted
        return {"ms_to_markers": round(ms), "kb_transferred": round(transferred["bytes"] / 1024, 1),
                "requests": transferred["requests"], "markers": markers}
    finally:
        context.close()
