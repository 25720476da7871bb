"""``network-area``: set or show a network's area of activity (never an invented point)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from regional_map.cli.context import open_store
from regional_map.db.connection import transaction
from regional_map.geocode.gazetteer import Gazetteer, GeocodeError
from regional_map.networks.areas import area_feature, save_area
from regional_map.networks.records import get_network


def _municipality_code(gazetteer: Gazetteer, text: str) -> str:
    """A NIS/CBS code as given, or a municipality's name resolved by the gazetteer."""
    if text.isdigit() or text.upper().startswith("GM"):
        return text.upper()
    try:
        return gazetteer.town(text).municipality_code
    except GeocodeError as exc:
        raise click.BadParameter(str(exc), param_hint="--municipality") from exc


@click.command("network-area")
@click.argument("network")
@click.option("--municipality", "municipalities", multiple=True,
              help="A municipality (NIS/CBS code or name); repeat for several.")
@click.option("--polygon", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A GeoJSON file: a Polygon/MultiPolygon geometry, Feature or the first "
                   "feature of a FeatureCollection.")
@click.option("--center", help="lat,lon of a stated centre (with --radius-km).")
@click.option("--radius-km", type=float, help="Radius around --center, or the margin "
              "around the network's places with --members (default 5).")
@click.option("--members", is_flag=True, help="A circle around the network's own places.")
@click.option("--note", default="", help="What the source says of the area.")
@click.option("--source", help="Source dataset id recorded on the area.")
@click.option("--show", is_flag=True, help="Print the current area as GeoJSON, change nothing.")
def network_area_command(network: str, municipalities: tuple[str, ...], polygon: Path | None,
                         center: str | None, radius_km: float | None, members: bool, note: str,
                         source: str | None, show: bool) -> None:
    """Set NETWORK's area of activity: municipalities, a polygon, a radius around a stated
    centre, or a circle around its own places. The map draws it instead of a point."""
    conn = open_store(upgrade=True)
    try:
        if get_network(conn, network) is None:
            raise click.BadParameter(f"no network with id {network!r}", param_hint="NETWORK")
        if not show:
            spec: dict = {"note": note}
            if municipalities:
                gazetteer = Gazetteer(conn)
                spec["municipalities"] = [_municipality_code(gazetteer, m)
                                          for m in municipalities]
            elif polygon:
                data = json.loads(polygon.read_text(encoding="utf-8"))
                if data.get("type") == "FeatureCollection":
                    data = (data.get("features") or [{}])[0]
                spec["polygon"] = data.get("geometry", data)
            elif center:
                try:
                    lat, lon = (float(v) for v in center.split(","))
                except ValueError:
                    raise click.BadParameter("give lat,lon", param_hint="--center") from None
                spec.update(center=[lat, lon], radius_km=radius_km)
            elif members:
                spec.update(members=True, radius_km=radius_km)
            try:
                with transaction(conn):
                    save_area(conn, network, spec, source)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
        feature = area_feature(conn, get_network(conn, network))
    finally:
        conn.close()
    if feature is None:
        click.echo(f"{network}: no area of activity.")
    else:
        click.echo(json.dumps(feature if show else feature["properties"], ensure_ascii=False))


COMMANDS = (network_area_command,)
