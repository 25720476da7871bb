"""Exchange commands: differences with OpenStreetMap (to correct by hand, never written)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from regional_map.cli.context import open_store
from regional_map.exchange.osm_diff import challenge_geojson, differences_csv, find_differences


@click.command("osm-diff")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), default="csv",
              show_default=True,
              help="CSV (one row per field) or a MapRoulette-style GeoJSON challenge.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--source", default="osm", show_default=True,
              help="The OSM import (source id) to compare with.")
def osm_diff_command(fmt: str, output: Path | None, source: str) -> None:
    """Places whose local fields disagree with the last OSM import.

    Compares each place of the OSM import with what that import said (from the change log),
    and names who changed the field here and when. Nothing is sent to OpenStreetMap.
    """
    conn = open_store()
    try:
        found = find_differences(conn, source)
    finally:
        conn.close()
    text = (differences_csv(found) if fmt == "csv"
            else json.dumps(challenge_geojson(found), ensure_ascii=False, indent=1) + "\n")
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(found)} places with differences written to {output}", err=True)
    else:
        click.echo(text, nl=False)


COMMANDS = (osm_diff_command,)
