"""OpenStreetMap commands: ``import-osm`` (short-chain elements of any OSM file) and the
network link proposals that imports make (``link-proposals``, ``accept-link``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regional_map.cli.context import open_store
from regional_map.cli.places import print_report, run_cli_import
from regional_map.db.connection import transaction
from regional_map.ingest.linking import decide_proposal, list_proposals
from regional_map.ingest.osm_filter import is_shortchain, rules_table
from regional_map.ingest.region import area_bbox
from regional_map.places import audit
from regional_map.settings import SettingError, parse_region

_RULES = "\n".join(f"  {tag} → {kind} ({note})" for tag, kind, note in rules_table())


@click.command("import-osm", epilog="\b\nKept elements:\n" + _RULES)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", help="Only this municipality (its Dutch or French name, or code).")
@click.option("--bbox", help="Only inside minlon,minlat,maxlon,maxlat.")
@click.option("--source", default="osm", show_default=True, help="Source dataset name.")
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.option("--strict", is_flag=True, help="Write nothing if any element is rejected.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def import_osm_command(file: Path, area, bbox, source, dry_run, strict, as_json) -> None:
    """Import the short-food-chain places of an OSM file (.osm.pbf, .osm, Overpass JSON or
    overpass turbo GeoJSON): farm shops, farm-product vending machines, markets, beekeepers,
    local greengrocers, butchers and dairies (the table below; the same as the shipped query
    data/osm/overpass_shortchain.overpassql). A PBF is streamed, never held in memory.

    Re-running it is a sync: same element updated, new inserted, gone retired (within --area
    or --bbox when given), local edits kept.
    """
    if area and bbox:
        raise click.UsageError("give --area or --bbox, not both")
    conn = open_store(upgrade=True)
    try:
        box = None
        if bbox:
            try:
                box = parse_region(bbox)
            except SettingError as exc:
                raise click.BadParameter(str(exc), param_hint="--bbox") from exc
        elif area:
            box = area_bbox(conn, area)
            if box is None:
                raise click.BadParameter(f"no municipality named {area!r}; use --bbox",
                                         param_hint="--area")
        report = run_cli_import(conn, file, source=source, dry_run=dry_run, strict=strict,
                                keep=is_shortchain, bbox=box, quiet=as_json)
    finally:
        conn.close()
    print_report(report, as_json)
    if report.rejected:
        sys.exit(1)


@click.command("link-proposals")
@click.option("--status", default="proposed", show_default=True,
              type=click.Choice(["proposed", "accepted", "rejected", "all"]))
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def link_proposals_command(status: str, as_json: bool) -> None:
    """List network links that imports proposed (brand, operator, network or a member's
    name matched a known network); accept one with `accept-link ID`."""
    conn = open_store()
    try:
        proposals = list_proposals(conn, status)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(proposals, ensure_ascii=False, indent=2))
        return
    for p in proposals:
        click.echo(f"{p['id']:>5}  {p['place_name']} ({p['place_id']}) {p['type']} "
                   f"{p['network_name']} ({p['network_id']}) — {p['reason']} [{p['status']}]")
    click.echo(f"{len(proposals)} {status} link proposals.")


def _decide(ids: tuple[int, ...], accept: bool, actor: str) -> None:
    conn = open_store()
    try:
        with transaction(conn):
            for proposal_id in ids:
                try:
                    row = decide_proposal(conn, proposal_id, accept)
                except LookupError as exc:
                    raise click.ClickException(str(exc)) from exc
                audit.record(conn, actor=actor, action="link" if accept else "reject_link",
                             entity="place", entity_id=row["place_id"],
                             after={"network": row["network_id"], "type": row["type"]},
                             reason=f"link proposal {proposal_id}: {row['reason']}")
    finally:
        conn.close()
    click.echo(f"{len(ids)} link proposals {'accepted' if accept else 'rejected'}.")


@click.command("accept-link")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--by", "actor", default="user:cli", show_default=True,
              help="Who decides (recorded in the change log).")
def accept_link_command(ids: tuple[int, ...], actor: str) -> None:
    """Accept link proposals: each place becomes a member of the proposed network."""
    _decide(ids, True, actor)


@click.command("reject-link")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--by", "actor", default="user:cli", show_default=True)
def reject_link_command(ids: tuple[int, ...], actor: str) -> None:
    """Reject link proposals (they are kept, marked rejected, and not proposed again)."""
    _decide(ids, False, actor)


COMMANDS = (import_osm_command, link_proposals_command, accept_link_command,
            reject_link_command)
