"""``regional-map publish DIR``: the static edition (PMTiles, per-place JSON, downloads)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from regional_map.cli.context import open_store, settings
from regional_map.publish.edition import EditionOptions, PublishError, publish_edition


@click.command("publish")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["nl", "fr", "en"]), default="en", show_default=True,
              help="Language of kind labels and product names in the edition.")
@click.option("--title", default="Regional Map", show_default=True, help="Page title.")
@click.option("--max-zoom", type=click.IntRange(6, 16), default=14, show_default=True,
              help="Deepest zoom of the vector tiles (the map zooms no further).")
@click.option("--point-zoom", type=click.IntRange(0, 16), default=9, show_default=True,
              help="From this zoom on every place is its own point (clusters below).")
@click.option("--tile-url", default=None,
              help="Base-map tile URL template (default REGIONAL_MAP_TILE_URL); 'none': no "
                   "base map, so the edition loads nothing from another host.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def publish_command(folder: Path, lang: str, title: str, max_zoom: int, point_zoom: int,
                    tile_url: str | None, as_json: bool) -> None:
    """Write the static edition of the map into FOLDER: serve it from any web server, object
    storage or CDN that answers HTTP range requests (nginx does)."""
    cfg = settings()
    url = cfg["TILE_URL"] if tile_url is None else tile_url
    if url.strip().lower() in ("", "none"):
        url = ""
    options = EditionOptions(
        lang=lang, title=title, tile_url=url,
        tile_attribution=cfg["TILE_ATTRIBUTION"] if url else "",
        region=cfg["REGION"], max_zoom=max_zoom, point_zoom=min(point_zoom, max_zoom),
        hide_after_months=cfg["HIDE_AFTER_MONTHS"])
    conn = open_store()
    try:
        edition = publish_edition(conn, folder, options)
    except PublishError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        conn.close()
    if as_json:
        tiles = edition.tiles
        click.echo(json.dumps({
            "folder": str(edition.folder), "places": edition.places, "files": edition.files,
            "bytes": edition.bytes,
            "tiles": {"count": tiles.tiles, "min_zoom": tiles.min_zoom,
                      "max_zoom": tiles.max_zoom, "largest_bytes": tiles.largest_bytes,
                      "largest_tile": tiles.largest_tile, "by_zoom": tiles.by_zoom},
        }, indent=2))
        return
    click.echo(f"Published {edition.summary()}")


COMMANDS = (publish_command,)
