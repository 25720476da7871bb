"""Flask blueprints: thin views that parse the request, call the packages and format.

The one explicit list of what the app serves: :data:`BLUEPRINTS` in registration order, and
:data:`REGISTRARS` for the parts that also add hooks or template filters to the app.
"""

from regional_map.web.views import (
    admin,
    api,
    areas,
    assets,
    contribute,
    dfc,
    embed,
    feeds,
    municipalities,
    networks,
    ogc,
    osm,
    pages,
    search,
)

BLUEPRINTS = (
    assets.bp,          # Leaflet and plugins from their pip packages
    api.bp,             # /api: places, clusters, products, sources, downloads, OpenAPI
    ogc.bp,             # /ogc: OGC API - Features
    pages.bp,           # the map, its list and the place pages
    networks.bp,        # networks, links and matchmaking
    admin.bp,           # moderation and accounts
    contribute.bp,      # public suggestions and problem reports
    municipalities.bp,  # showcases, boundaries, coverage
    embed.bp,           # the embeddable map, its builder and oEmbed
    dfc.bp,             # /api/dfc: DFC JSON-LD enterprises, context, taxonomy
    osm.bp,             # /api/osm: differences with the last OSM import
    feeds.bp,           # /feeds: Atom and JSON Feed of changes; /recent
    search.bp,          # /api/search: one search for everything
    areas.bp,           # networks' areas of activity as GeoJSON
)

REGISTRARS = (admin.register_trust,  # sessions, CSRF and the freshness filter
              osm.register)       # the place page's OSM links
