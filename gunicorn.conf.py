"""gunicorn settings read automatically by ``gunicorn app:app`` from this folder.

Command-line options (``--workers``, ``--bind`` …) still win; this file only adds a warm-up so
that no visitor waits for a worker to load the map's point index (``bench/`` prints how long).
"""


def post_worker_init(worker):
    """Load the store's point index in each new worker before it takes requests."""
    app = worker.wsgi
    try:
        from regional_map.places.pointindex import point_index
        from regional_map.web.context import get_db

        with app.app_context():
            point_index(get_db())
    except Exception as exc:  # a missing store must not keep the worker from starting
        worker.log.warning("regional-map: no warm-up (%s)", exc)
