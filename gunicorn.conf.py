"""gunicorn settings read automatically by ``gunicorn app:app`` from this folder.

Command-line options (``--workers``, ``--bind`` …) still win; this file only adds a warm start:
each worker loads the map's point index before it takes requests, then
ranks the most searched words (the names of the most offered products in three languages) in a
background thread, so the first search of "eieren" costs what the hundredth does.
"""

import threading
import time

# Seconds each worker may spend ranking search words after it starts: at a million places a
# product word costs about a second, and the warm-up competes with the first visitors.
WARM_SEARCH_BUDGET_S = 10.0


def _return_large_blocks_to_the_system():
    """glibc raises its mmap threshold after big frees, so later array temporaries (a
    million-place view's masks and sorts) stay in the heap it keeps: fix it at 1 MB."""
    try:
        import ctypes
        import ctypes.util

        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(-3, 1 << 20)
    except (OSError, AttributeError):  # not glibc
        pass


def post_worker_init(worker):
    """Load the store's point index in each new worker before it takes requests, then warm
    the search in the background (it must not delay the worker's start)."""
    _return_large_blocks_to_the_system()
    app = worker.wsgi
    try:
        from regional_map.places.engine import warm
        from regional_map.places.pointindex import point_index
        from regional_map.web.context import get_db
        from regional_map.web.params import parse_place_filter

        began = time.perf_counter()
        with app.app_context():
            point_index(get_db())
        worker.log.info("regional-map: point index loaded in %.2f s",
                        time.perf_counter() - began)
    except Exception as exc:  # a missing store must not keep the worker from starting
        worker.log.warning("regional-map: no warm-up (%s)", exc)
        return

    def warm_search():
        try:
            started = time.perf_counter()
            with app.app_context():
                # the map's first view: its filter as the API reads it with no parameters
                count = warm(get_db(), budget_s=WARM_SEARCH_BUDGET_S,
                             views=[parse_place_filter({})])
            worker.log.info("regional-map: %d search expressions ranked in %.2f s", count,
                            time.perf_counter() - started)
        except Exception as exc:  # warming is an optimisation; serving goes on without it
            worker.log.warning("regional-map: no search warm-up (%s)", exc)

    threading.Thread(target=warm_search, name="warm-search", daemon=True).start()
