"""``regional-map assign-municipalities``: (re)assign every place to its municipality."""

from __future__ import annotations

import json

import click

from regional_map.cli.context import open_store
from regional_map.db.connection import transaction
from regional_map.municipalities.boundaries import assign_municipalities, load_boundaries


@click.command("assign-municipalities")
@click.option("--reload-boundaries", is_flag=True,
              help="Reload the shipped boundary files first (init-db does this too).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def assign_municipalities_command(reload_boundaries: bool, as_json: bool) -> None:
    """Assign every place to a municipality: by boundary polygon, else by its postcode
    (Statbel/CBS table) or town, else by the nearest postcode place; print how many each way."""

    conn = open_store(upgrade=True)
    try:
        with transaction(conn):
            if reload_boundaries:
                load_boundaries(conn)
            report = assign_municipalities(conn)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    for line in report.lines():
        click.echo(line)


COMMANDS = (assign_municipalities_command,)
