"""Regional Map: the open map, directory and data hub of a region's short food chain.

The web application is built by :func:`regional_map.web.app.create_app`; the command line is
:mod:`regional_map.cli`. This package module itself imports nothing, so any part can be used
alone.
"""

__version__ = "0.1.0"
