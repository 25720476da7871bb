"""Command line: ``regional-map COMMAND`` and the same commands under ``flask --app app``.

Each module here holds one group of commands and lists them in its ``COMMANDS``; this module
only assembles them. Commands parse arguments and print; the work is done by the packages.
"""

from __future__ import annotations

import click

from regional_map.cli import areas, boundaries, exchange, networks, osm, places, publish, trust

COMMANDS = (places.COMMANDS + osm.COMMANDS + trust.COMMANDS + networks.COMMANDS
            + areas.COMMANDS + boundaries.COMMANDS + exchange.COMMANDS + publish.COMMANDS)


@click.group(help="Regional Map: the open map and directory of a region's short food chain.")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Database path (overrides REGIONAL_MAP_DB).")
@click.version_option(package_name="regional-map")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    ctx.obj = {"overrides": {"DB": db} if db else {}}


for _command in COMMANDS:
    main.add_command(_command)


def register_flask_commands(app) -> None:
    """The same commands under ``flask --app app``."""
    for command in COMMANDS:
        app.cli.add_command(command)
